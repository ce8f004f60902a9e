import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
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

/** Files at or above this size are left as they are. */
const DEFAULT_TARGET_BYTES = 128 * 1024 * 1024;

/**
 * Maintains the lake (docs/architecture.md, "current_orders"): folds the change events not yet absorbed into a
 * new current-state snapshot, then merges the small Parquet objects of each `orders_cdc/dt=…/` partition into
 * one (Firehose's small-files problem). Safe while the delivery runs, which only ever adds whole new objects:
 * the objects listed at the start are the ones folded and merged. At every step a crash leaves a correct
 * current state: (1) the new snapshot is written under a new key, unused until (2) the manifest, replaced
 * whole, names it and lists every listed object as absorbed — with the merged objects' keys before those
 * objects exist, since they hold only absorbed events; (3) each merged object is written whole, then its
 * inputs deleted; (4) the old snapshot is deleted. Rows that are exact copies (the same event delivered twice,
 * or left twice by a compaction cut short between a write and its deletes) are merged into one.
 */
export async function compactLake(
  lake: FolderStore,
  options: { targetBytes?: number; now?: () => number } = {},
): Promise<LakeCompaction> {
  const now = options.now ?? Date.now;
  const manifest = await readStoredManifest(lake);
  const listed = (await lake.list(TABLE_PREFIX)).filter(({ key }) => isEventObjectKey(key));
  const inputs = currentStateInputs(
    manifest,
    listed.map(({ key }) => key),
  );
  const merges = plannedMerges(listed, options.targetBytes ?? DEFAULT_TARGET_BYTES, now());
  if (inputs.delta.length === 0 && merges.length === 0) return { snapshot: undefined, partitions: [] };

  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  const workDir = await mkdtemp(join(tmpdir(), 'gadget-cdc-compact-'));
  try {
    let snapshot: SnapshotResult | undefined;
    if (inputs.delta.length > 0) {
      for (const statement of currentStateViews(lake.root, inputs)) await connection.run(statement);
      const file = join(workDir, 'snapshot.parquet');
      await connection.run(
        `COPY (SELECT * FROM current_state_latest ORDER BY orderid) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION snappy)`,
      );
      const key = snapshotKey(now(), randomUUID());
      await lake.put(key, await readFile(file));
      const orders = await count(connection, `SELECT count(*) AS n FROM read_parquet(${sqlString(file)})`);
      snapshot = { key, objectsAbsorbed: inputs.delta.length, orders };
    }
    const next: CurrentStateManifest = {
      ...(snapshot ? { snapshot: snapshot.key } : manifest.snapshot ? { snapshot: manifest.snapshot } : {}),
      absorbed: [...listed.map(({ key }) => key), ...merges.map((merge) => merge.written)],
      updatedAt: new Date(now()).toISOString(),
    };
    await lake.put(CURRENT_STATE_MANIFEST, JSON.stringify(next));
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

interface PlannedMerge {
  readonly partition: string;
  readonly keys: readonly string[];
  readonly written: string;
}

/** Each partition with two or more small Parquet objects, and the key its merged object will have. */
function plannedMerges(
  listed: ReadonlyArray<{ key: string; size: number }>,
  targetBytes: number,
  nowMs: number,
): PlannedMerge[] {
  const byPartition = new Map<string, string[]>();
  for (const { key, size } of listed) {
    const partition = partitionOf(key)?.prefix;
    if (!partition || !key.endsWith('.parquet') || size >= targetBytes) continue;
    byPartition.set(partition, [...(byPartition.get(partition) ?? []), key]);
  }
  return [...byPartition]
    .filter(([, keys]) => keys.length >= 2)
    .map(([partition, keys]) => ({
      partition,
      keys,
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
