import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PipelineError } from '../errors/pipeline-error.ts';
import { EVENT_OBJECT, eventsIn, noEvents } from './duckdb-sources.ts';
import { NOT_A_MARKER } from './heartbeat-marker.ts';
import { CURRENT_STATE_MANIFEST, CURRENT_STATE_PREFIX, partitionOf, TABLE_PREFIX } from './lake-layout.ts';
import { ORDERS_CDC_COLUMNS, ORDERS_CDC_PARTITION } from './orders-cdc-columns.ts';
import { sqlString } from './sql-literal.ts';

/** What a snapshot's key looks like (snapshotKey in lake-layout.ts): read only inside the lake's own folder. */
const SNAPSHOT_KEY = new RegExp(`^${CURRENT_STATE_PREFIX}snapshot-[A-Za-z0-9-]+\\.parquet$`);

/**
 * The maintained current state (docs/architecture.md, "current_orders"): a snapshot holding the latest change
 * event of every order ever seen — a REMOVE too, as a tombstone, so that an older event of a removed order
 * (a replay, a redrive, a duplicate delivery) can never bring it back — and the manifest saying which
 * `orders_cdc` objects the snapshot has absorbed. `current_orders` is the latest event per order over the
 * snapshot and every object not absorbed (the delta), REMOVEs left out. "Absorbed" is by object, never by a
 * sequence-number cutoff: objects of different shards arrive out of sequence order.
 */
export const CurrentStateManifestSchema = z.object({
  /** The snapshot's key; none before the first compaction. */
  snapshot: z
    .string()
    .regex(SNAPSHOT_KEY, `a snapshot key like ${CURRENT_STATE_PREFIX}snapshot-<time>-<id>.parquet`)
    .optional(),
  /** Keys of the `orders_cdc` objects whose events the snapshot holds. A key listed here may be gone. */
  absorbed: z.array(z.string()),
  updatedAt: z.string(),
});
export type CurrentStateManifest = z.infer<typeof CurrentStateManifestSchema>;

export const NO_CURRENT_STATE: CurrentStateManifest = { absorbed: [], updatedAt: '' };

/** The manifest cannot be read; deleting it is safe (current_orders then reads the whole history). */
export class DamagedManifestError extends PipelineError {
  constructor(where: string, problem: string) {
    super(
      'lake',
      'DAMAGED_CURRENT_STATE_MANIFEST',
      `The current state's manifest ${where} cannot be read (${problem}). Delete it: current_orders then reads ` +
        'the whole history, and the next compaction (`gadget-cdc compact`) makes a new snapshot.',
    );
  }
}

export function parseManifest(text: string, where: string): CurrentStateManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DamagedManifestError(where, error instanceof Error ? error.message : String(error));
  }
  const parsed = CurrentStateManifestSchema.safeParse(json);
  if (!parsed.success)
    throw new DamagedManifestError(where, parsed.error.issues[0]?.message ?? 'not a manifest');
  return parsed.data;
}

/** The manifest of the lake folder `lakeDir`, or NO_CURRENT_STATE when there is none yet. */
export function readManifest(lakeDir: string): CurrentStateManifest {
  const path = join(lakeDir, ...CURRENT_STATE_MANIFEST.split('/'));
  return existsSync(path) ? parseManifest(readFileSync(path, 'utf8'), path) : NO_CURRENT_STATE;
}

/**
 * Whether a key is an object of the `orders_cdc` table: directly in a `dt=` partition, in one of the formats
 * the delivery writes, not a dot-name (an in-flight temp file). Compaction and the views use this one rule.
 */
export function isEventObjectKey(key: string): boolean {
  return (
    partitionOf(key) !== undefined && EVENT_OBJECT.test(key) && !key.split('/').some((s) => s.startsWith('.'))
  );
}

/** Keys of the `orders_cdc` objects in the lake folder now. */
export function eventObjectKeys(lakeDir: string): string[] {
  const root = join(lakeDir, TABLE_PREFIX);
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true })
    .map((name) => `${TABLE_PREFIX}${String(name).split('\\').join('/')}`)
    .filter(isEventObjectKey)
    .sort();
}

/** What the current-state views read: the snapshot (if any) and the objects it has not absorbed. */
export interface CurrentStateInputs {
  readonly snapshot: string | undefined;
  readonly delta: readonly string[];
}

export function currentStateInputs(
  manifest: CurrentStateManifest,
  eventKeys: readonly string[],
): CurrentStateInputs {
  const absorbed = new Set(manifest.absorbed);
  return { snapshot: manifest.snapshot, delta: eventKeys.filter((key) => !absorbed.has(key)) };
}

/** The ordering key of a sequence number: zero-padded to 40 digits, so text order is sequence order. */
export const SEQUENCE_KEY = `lpad(sequence_number, 40, '0')`;

/**
 * DuckDB statements (re)defining the views over `inputs` in the lake folder: `current_state_snapshot`,
 * `current_state_delta` and `current_state_latest`, the latest event of every order (tombstones included)
 * with its `sequence_key`. A delta event wins over the snapshot's row only when it is newer; of equal keys
 * (the same event delivered again) the snapshot's row stays. One full outer join on `orderid` (each side has
 * one row per order) and a choice per column, so that a query reads from the snapshot only the columns it
 * uses: over a UNION, DuckDB read every column of the snapshot (image_json too), ten times slower.
 */
export function currentStateViews(lakeDir: string, inputs: CurrentStateInputs): string[] {
  const snapshot = inputs.snapshot
    ? `SELECT * FROM read_parquet(${sqlString(join(lakeDir, ...inputs.snapshot.split('/')))})`
    : `SELECT *, CAST(NULL AS VARCHAR) AS sequence_key FROM (${noEvents()})`;
  return [
    `CREATE OR REPLACE VIEW current_state_snapshot AS ${snapshot}`,
    `CREATE OR REPLACE VIEW current_state_delta AS ${eventsIn(lakeDir, inputs.delta)}`,
    `CREATE OR REPLACE VIEW current_state_latest AS ${inputs.delta.length === 0 ? `SELECT ${LATEST_COLUMNS.join(', ')} FROM current_state_snapshot` : LATEST_OVER_DELTA}`,
  ];
}

/** Every column of a current-state row: the table's, its partition, the ordering key. */
const LATEST_COLUMNS = [
  ...ORDERS_CDC_COLUMNS.map((column) => column.name),
  ORDERS_CDC_PARTITION.name,
  'sequence_key',
];
/** Of an order's snapshot row `s` and latest delta event `d` (either may be missing), `d` is the one to keep. */
const DELTA_IS_NEWER = 's.orderid IS NULL OR (d.orderid IS NOT NULL AND d.sequence_key > s.sequence_key)';

/** The latest event per order over the snapshot and the delta (see currentStateViews). */
const LATEST_OVER_DELTA = `WITH delta_latest AS (
        SELECT * EXCLUDE (recency) FROM (
          SELECT *, ${SEQUENCE_KEY} AS sequence_key,
            row_number() OVER (PARTITION BY orderid ORDER BY ${SEQUENCE_KEY} DESC) AS recency
          FROM current_state_delta
        ) WHERE recency = 1
      )
      SELECT ${LATEST_COLUMNS.map((name) => `CASE WHEN ${DELTA_IS_NEWER} THEN d.${name} ELSE s.${name} END AS ${name}`).join(',\n        ')}
      FROM current_state_snapshot AS s FULL OUTER JOIN delta_latest AS d ON d.orderid = s.orderid`;

/** The view `current_orders` over `current_state_latest`: the orders standing now, columns as Athena's view. */
export const CURRENT_ORDERS_VIEW = `CREATE OR REPLACE VIEW current_orders AS
  SELECT orderid, product_name, quantity, price, status, customer_id, created_at, updated_at,
    sequence_number, event_time_ms, image_json, unrepresentable
  FROM current_state_latest
  WHERE cdc_event_type <> 'REMOVE' AND ${NOT_A_MARKER}`;
