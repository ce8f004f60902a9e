import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { partitionOf, TABLE_PREFIX } from '../catalog/lake-layout.ts';
import { sqlString } from '../catalog/sql-literal.ts';
import { objectKey } from './object-name.ts';
import type { FolderStore } from './object-store.ts';

export interface CompactionResult {
  readonly partition: string;
  readonly filesBefore: number;
  readonly rowsBefore: number;
  readonly rowsAfter: number;
  readonly written: string;
}

/** Files at or above this size are left as they are. */
const DEFAULT_TARGET_BYTES = 128 * 1024 * 1024;

/**
 * Merges the small Parquet objects of each `orders_cdc/dt=…/` partition into one (Firehose's small-files
 * problem). Safe while the delivery runs: it only ever adds whole new objects, and compaction merges the
 * objects it listed, writes the merged one whole (temp, fsync, rename), and only then deletes its inputs.
 * Rows that are exact copies (the same event delivered twice, or left twice by a compaction cut short
 * between its write and its deletes) are kept once; no other row is lost or added.
 */
export async function compactLake(
  lake: FolderStore,
  options: { targetBytes?: number; now?: () => number } = {},
): Promise<CompactionResult[]> {
  const targetBytes = options.targetBytes ?? DEFAULT_TARGET_BYTES;
  const byPartition = new Map<string, string[]>();
  for (const { key, size } of await lake.list(TABLE_PREFIX)) {
    const partition = partitionOf(key)?.prefix;
    if (!partition || !key.endsWith('.parquet') || size >= targetBytes) continue;
    byPartition.set(partition, [...(byPartition.get(partition) ?? []), key]);
  }
  const results: CompactionResult[] = [];
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  const workDir = await mkdtemp(join(tmpdir(), 'gadget-cdc-compact-'));
  try {
    for (const [partition, keys] of byPartition) {
      if (keys.length < 2) continue;
      const inputs = `[${keys.map((key) => sqlString(join(lake.root, key))).join(', ')}]`;
      const output = join(workDir, `${randomUUID()}.parquet`);
      const count = async (sql: string) =>
        Number((await connection.runAndReadAll(sql)).getRowObjects()[0]?.n ?? 0);
      const rowsBefore = await count(
        `SELECT count(*) AS n FROM read_parquet(${inputs}, hive_partitioning = false, union_by_name = true)`,
      );
      await connection.run(
        `COPY (SELECT DISTINCT * FROM read_parquet(${inputs}, hive_partitioning = false, union_by_name = true) ORDER BY event_time_ms, event_id) ` +
          `TO ${sqlString(output)} (FORMAT parquet, COMPRESSION snappy)`,
      );
      const rowsAfter = await count(`SELECT count(*) AS n FROM read_parquet(${sqlString(output)})`);
      const written = objectKey({
        prefix: partition,
        deliveryStream: 'compacted',
        version: 1,
        oldestArrivalMs: options.now?.() ?? Date.now(),
        extension: '.parquet',
      });
      await lake.put(written, await readFile(output));
      await unlink(output);
      await lake.delete(keys);
      results.push({ partition, filesBefore: keys.length, rowsBefore, rowsAfter, written });
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(workDir, { recursive: true, force: true });
  }
  return results;
}
