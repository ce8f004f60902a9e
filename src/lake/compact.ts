import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
  type CurrentStateInputs,
  type CurrentStateManifest,
  currentStateInputs,
  currentStateViews,
  isEventObjectKey,
  NO_CURRENT_STATE,
  parseManifest,
} from '../catalog/current-state.ts';
import {
  CURRENT_STATE_MANIFEST,
  CURRENT_STATE_PREFIX,
  partitionOf,
  snapshotKey,
  TABLE_PREFIX,
} from '../catalog/lake-layout.ts';
import { sqlString } from '../catalog/sql-literal.ts';
import { objectKey } from './object-name.ts';
import type { FolderStore } from './object-store.ts';

/** A partition's small objects merged into one. */
export interface CompactionResult {
  readonly partition: string;
  readonly filesBefore: number;
  readonly rowsBefore: number;
  readonly rowsAfter: number;
  readonly written: string;
}

/** The change events folded into a new current-state snapshot. */
export interface SnapshotResult {
  readonly key: string;
  /** `orders_cdc` objects absorbed by this fold (the delta it read). */
  readonly objectsAbsorbed: number;
  /** Rows of the new snapshot: one per order ever seen, removed ones as tombstones. */
  readonly orders: number;
}

export interface LakeCompaction {
  /** Undefined when every object was absorbed already. */
  readonly snapshot: SnapshotResult | undefined;
  readonly partitions: CompactionResult[];
}

export interface CompactionOptions {
  /** Files at or above this size are left as they are. @default 128 MiB */
  readonly targetBytes?: number;
  /**
   * Fold only once the objects not yet absorbed hold at least this fraction of the snapshot's bytes. A fold
   * rewrites the whole snapshot, so folding at a fraction of its size keeps the cost per change constant as the
   * lake grows, and the delta `current_orders` reads beside the snapshot under that fraction. The first
   * snapshot is always made. @default 0: fold whatever has arrived
   */
  readonly foldAtFraction?: number;
  /** DuckDB threads for the fold and the merges. @default 1, to leave the cores to a running pipeline */
  readonly threads?: number;
  readonly now?: () => number;
}

/** What `up`'s periodic compaction folds at: the delta stays under 1% of the current state. */
export const PERIODIC_FOLD_FRACTION = 0.01;

const DEFAULT_TARGET_BYTES = 128 * 1024 * 1024;

/**
 * Maintains the lake (docs/architecture.md, "current_orders"): folds the change events not yet absorbed into a
 * new current-state snapshot (when there are enough of them: `foldAtFraction`), then merges the small Parquet
 * objects of each `orders_cdc/dt=…/` partition (Firehose's small-files problem): absorbed objects into one
 * that is absorbed, the others into one that is not. Safe while the delivery runs, which only ever adds whole
 * new objects: the objects listed at the start are the ones folded and merged. At every step a crash leaves a
 * correct current state: (1) the new snapshot is written under a new key, unused until (2) the manifest,
 * replaced whole, names it and lists the absorbed objects — with the keys of merged absorbed objects before
 * those exist, since they hold only absorbed events; (3) each merged object is written whole, then its inputs
 * deleted; (4) the old snapshot is deleted. Rows that are exact copies (the same event delivered twice, or left
 * twice by a compaction cut short between a write and its deletes) are merged into one.
 */
export async function compactLake(
  lake: FolderStore,
  options: CompactionOptions = {},
): Promise<LakeCompaction> {
  const now = options.now ?? Date.now;
  const manifest = await readStoredManifest(lake);
  const listed = (await lake.list(TABLE_PREFIX)).filter(({ key }) => isEventObjectKey(key));
  const inputs = currentStateInputs(
    manifest,
    listed.map(({ key }) => key),
  );
  const fold = inputs.delta.length > 0 && (await deltaIsDue(lake, manifest, listed, inputs, options));
  const absorbed = new Set(fold ? listed.map(({ key }) => key) : manifest.absorbed);
  const merges = plannedMerges(listed, absorbed, options.targetBytes ?? DEFAULT_TARGET_BYTES, now());
  if (!fold && merges.length === 0) return { snapshot: undefined, partitions: [] };

  const instance = await DuckDBInstance.create(':memory:', { threads: String(options.threads ?? 1) });
  const connection = await instance.connect();
  const workDir = await mkdtemp(join(tmpdir(), 'gadget-cdc-compact-'));
  try {
    const snapshot = fold ? await writeSnapshot(lake, connection, workDir, inputs, now()) : undefined;
    if (fold || merges.some((merge) => merge.absorbed)) {
      const next: CurrentStateManifest = {
        ...((snapshot?.key ?? manifest.snapshot) ? { snapshot: snapshot?.key ?? manifest.snapshot } : {}),
        absorbed: [
          ...listed.map(({ key }) => key).filter((key) => absorbed.has(key)),
          ...merges.filter((merge) => merge.absorbed).map((merge) => merge.written),
        ],
        updatedAt: new Date(now()).toISOString(),
      };
      await lake.put(CURRENT_STATE_MANIFEST, JSON.stringify(next));
    }
    const partitions: CompactionResult[] = [];
    for (const merge of merges) partitions.push(await mergePartition(lake, connection, workDir, merge));
    if (snapshot) await deleteOlderSnapshots(lake, snapshot.key);
    return { snapshot, partitions };
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Whether the delta is big enough to fold, by `foldAtFraction` of the snapshot's bytes. */
async function deltaIsDue(
  lake: FolderStore,
  manifest: CurrentStateManifest,
  listed: ReadonlyArray<{ key: string; size: number }>,
  inputs: CurrentStateInputs,
  options: CompactionOptions,
): Promise<boolean> {
  const fraction = options.foldAtFraction ?? 0;
  if (fraction <= 0 || !manifest.snapshot) return true;
  const snapshotBytes = (await lake.list(manifest.snapshot)).find(
    ({ key }) => key === manifest.snapshot,
  )?.size;
  if (snapshotBytes === undefined) return true;
  const delta = new Set(inputs.delta);
  const deltaBytes = listed.reduce((sum, { key, size }) => sum + (delta.has(key) ? size : 0), 0);
  return deltaBytes >= fraction * snapshotBytes;
}

/** The latest event of every order over the snapshot and the delta, written as the new snapshot. */
async function writeSnapshot(
  lake: FolderStore,
  connection: DuckDBConnection,
  workDir: string,
  inputs: CurrentStateInputs,
  nowMs: number,
): Promise<SnapshotResult> {
  for (const statement of currentStateViews(lake.root, inputs)) await connection.run(statement);
  const file = join(workDir, 'snapshot.parquet');
  await connection.run(
    `COPY (SELECT * FROM current_state_latest ORDER BY orderid) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION snappy)`,
  );
  const key = snapshotKey(nowMs, randomUUID());
  await lake.put(key, await readFile(file));
  const orders = await count(connection, `SELECT count(*) AS n FROM read_parquet(${sqlString(file)})`);
  return { key, objectsAbsorbed: inputs.delta.length, orders };
}

interface PlannedMerge {
  readonly partition: string;
  readonly keys: readonly string[];
  /** Whether the inputs, hence the merged object, are absorbed by the current state. */
  readonly absorbed: boolean;
  readonly written: string;
}

/**
 * Each partition's small Parquet objects, two or more of them, absorbed ones apart from the others (a merged
 * object is absorbed or not as a whole), and the key each merged object will have.
 */
function plannedMerges(
  listed: ReadonlyArray<{ key: string; size: number }>,
  absorbed: ReadonlySet<string>,
  targetBytes: number,
  nowMs: number,
): PlannedMerge[] {
  const groups = new Map<string, { partition: string; absorbed: boolean; keys: string[] }>();
  for (const { key, size } of listed) {
    const partition = partitionOf(key)?.prefix;
    if (!partition || !key.endsWith('.parquet') || size >= targetBytes) continue;
    const group = { partition, absorbed: absorbed.has(key) };
    const id = `${group.absorbed}/${partition}`;
    groups.set(id, { ...group, keys: [...(groups.get(id)?.keys ?? []), key] });
  }
  return [...groups.values()]
    .filter(({ keys }) => keys.length >= 2)
    .map(({ partition, absorbed, keys }) => ({
      partition,
      keys,
      absorbed,
      written: objectKey({
        prefix: partition,
        deliveryStream: 'compacted',
        version: 1,
        oldestArrivalMs: nowMs,
        extension: '.parquet',
      }),
    }));
}

async function mergePartition(
  lake: FolderStore,
  connection: DuckDBConnection,
  workDir: string,
  merge: PlannedMerge,
): Promise<CompactionResult> {
  const inputs = `[${merge.keys.map((key) => sqlString(join(lake.root, key))).join(', ')}]`;
  const read = `read_parquet(${inputs}, hive_partitioning = false, union_by_name = true)`;
  const output = join(workDir, `${randomUUID()}.parquet`);
  const rowsBefore = await count(connection, `SELECT count(*) AS n FROM ${read}`);
  await connection.run(
    `COPY (SELECT DISTINCT * FROM ${read} ORDER BY event_time_ms, event_id) ` +
      `TO ${sqlString(output)} (FORMAT parquet, COMPRESSION snappy)`,
  );
  const rowsAfter = await count(connection, `SELECT count(*) AS n FROM read_parquet(${sqlString(output)})`);
  await lake.put(merge.written, await readFile(output));
  await lake.delete(merge.keys);
  return {
    partition: merge.partition,
    filesBefore: merge.keys.length,
    rowsBefore,
    rowsAfter,
    written: merge.written,
  };
}

async function readStoredManifest(lake: FolderStore): Promise<CurrentStateManifest> {
  if (!(await lake.exists(CURRENT_STATE_MANIFEST))) return NO_CURRENT_STATE;
  const text = Buffer.from(await lake.get(CURRENT_STATE_MANIFEST)).toString('utf8');
  return parseManifest(text, `${lake.location}/${CURRENT_STATE_MANIFEST}`);
}

/**
 * Deletes the snapshots older than `current` (snapshot keys sort by the time they were made): the one it
 * replaced, and any a compaction cut short wrote but never named. A newer one, of a compaction running at the
 * same time, is left alone.
 */
async function deleteOlderSnapshots(lake: FolderStore, current: string): Promise<void> {
  const older = (await lake.list(`${CURRENT_STATE_PREFIX}snapshot-`))
    .map(({ key }) => key)
    .filter((key) => key < current);
  await lake.delete(older);
}

async function count(connection: DuckDBConnection, sql: string): Promise<number> {
  return Number((await connection.runAndReadAll(sql)).getRowObjects()[0]?.n ?? 0);
}
