import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { plannedFirehoseRecords } from '../../bench/planned-records.ts';
import { currentOrdersBothWays } from '../../test/helpers/current-orders-both-ways.ts';
import { keysOf } from '../../test/helpers/object-keys.ts';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { readManifest } from '../catalog/current-state.ts';
import { DuckDbLake } from '../catalog/duckdb-lake.ts';
import { handler } from '../transform/handler.ts';
import { compactLake } from './compact.ts';
import { LocalDiskStore } from './local-disk-store.ts';
import { ParquetEncoder } from './parquet-encoder.ts';

const dirs: Array<{ path: string; remove(): void }> = [];
afterAll(() => {
  for (const dir of dirs) dir.remove();
});

/** orders_cdc rows (JSON lines) for `count` planned changes. */
async function rows(count: number, seed: string): Promise<Buffer> {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const answer = await handler({
    invocationId: 'x',
    deliveryStreamArn: 'a',
    region: 'r',
    records: plannedFirehoseRecords(count, seed),
  });
  vi.restoreAllMocks();
  return Buffer.concat(answer.records.map((r) => Buffer.from(r.data, 'base64')));
}

async function eventIds(lakeDir: string): Promise<string[]> {
  const lake = await DuckDbLake.open(lakeDir);
  try {
    return (await lake.rows('SELECT event_id FROM orders_cdc ORDER BY event_id')).map(
      (r) => r.event_id as string,
    );
  } finally {
    lake.close();
  }
}

describe('compactLake', () => {
  it('merges a partition’s small files into one, keeping every row once (exact copies once)', async () => {
    const dir = makeTempDir('compact');
    dirs.push(dir);
    const lake = new LocalDiskStore(dir.path);
    const encoder = await ParquetEncoder.create();
    const parts = [await rows(300, 'part-1'), await rows(200, 'part-2'), await rows(100, 'part-3')];
    for (const [i, part] of parts.entries()) {
      await lake.put(
        `orders_cdc/dt=2026-11-22/orders-cdc-1-2026-11-22-08-00-0${i}-x${i}.parquet`,
        await encoder.encode(part),
      );
    }
    // The first object delivered twice (a crash between a write and its checkpoint).
    await lake.put(
      'orders_cdc/dt=2026-11-22/orders-cdc-1-2026-11-22-08-00-09-dup.parquet',
      await encoder.encode(parts[0] as Buffer),
    );
    await encoder.close();
    const before = await eventIds(dir.path);
    expect(before).toHaveLength(900);

    const { partitions, snapshot } = await compactLake(lake);
    expect(snapshot).toMatchObject({ objectsAbsorbed: 4 });
    const [result, ...others] = partitions;
    expect(others).toEqual([]);
    expect(result).toMatchObject({
      partition: 'orders_cdc/dt=2026-11-22/',
      filesBefore: 4,
      rowsBefore: 900,
      rowsAfter: 600,
    });
    expect(await keysOf(lake, 'orders_cdc/')).toEqual([result?.written]);
    expect(await eventIds(dir.path)).toEqual([...new Set(before)].sort());
    // One file left, absorbed: nothing to do.
    expect(await compactLake(lake)).toEqual({ snapshot: undefined, partitions: [] });
  });

  it('merges objects written before a column was added with newer ones: the old rows get NULL there', async () => {
    const dir = makeTempDir('compact-schema');
    dirs.push(dir);
    const lake = new LocalDiskStore(dir.path);
    const encoder = await ParquetEncoder.create();
    const partition = 'orders_cdc/dt=2026-11-22/';
    await lake.put(`${partition}new-1.parquet`, await encoder.encode(await rows(50, 'new')));
    await lake.put(`${partition}new-2.parquet`, await encoder.encode(await rows(30, 'old')));
    await encoder.close();
    // Rewrite the second object as an older delivery wrote it: without the `unrepresentable` column.
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const path = (name: string) => join(dir.path, partition, name);
    await connection.run(
      `COPY (SELECT * EXCLUDE (unrepresentable) FROM read_parquet('${path('new-2.parquet')}')) TO '${path('old.parquet')}' (FORMAT parquet)`,
    );
    connection.closeSync();
    db.closeSync();
    await lake.delete([`${partition}new-2.parquet`]);
    const before = await eventIds(dir.path);

    const [result] = (await compactLake(lake)).partitions;
    expect(result).toMatchObject({ filesBefore: 2, rowsBefore: 80, rowsAfter: 80 });
    expect(await eventIds(dir.path)).toEqual(before);
    const merged = await DuckDbLake.open(dir.path);
    try {
      const [counts] = await merged.rows(
        'SELECT count(*) AS n, count(unrepresentable) AS flagged FROM orders_cdc',
      );
      expect(counts).toEqual({ n: 80n, flagged: 0n });
    } finally {
      merged.close();
    }
  });

  it('folds only once the delta reaches foldAtFraction of the snapshot, merging absorbed and new objects apart', async () => {
    const dir = makeTempDir('compact-fold-at');
    dirs.push(dir);
    const lake = new LocalDiskStore(dir.path);
    const encoder = await ParquetEncoder.create();
    const partition = 'orders_cdc/dt=2026-11-22/';
    const put = async (name: string, count: number) =>
      lake.put(`${partition}${name}.parquet`, await encoder.encode(await rows(count, name)));
    try {
      await put('a', 300);
      await put('b', 200);
      // The first snapshot is made whatever the fraction.
      const first = await compactLake(lake, { foldAtFraction: 0.5 });
      expect(first.snapshot).toMatchObject({ objectsAbsorbed: 2 });
      const absorbed = readManifest(dir.path).absorbed;

      // A small delta: merged, but apart from the absorbed object and not folded.
      await put('c', 10);
      await put('d', 10);
      const small = await compactLake(lake, { foldAtFraction: 0.5 });
      expect(small.snapshot).toBeUndefined();
      expect(small.partitions).toMatchObject([{ filesBefore: 2, rowsBefore: 20, rowsAfter: 20 }]);
      expect(readManifest(dir.path).absorbed).toEqual(absorbed);
      const both = await currentOrdersBothWays(dir.path);
      expect(both.maintained).toEqual(both.fromHistory);

      // A delta past half the snapshot: folded, and everything is absorbed and merged into one object.
      await put('e', 400);
      const large = await compactLake(lake, { foldAtFraction: 0.5 });
      expect(large.snapshot).toMatchObject({ objectsAbsorbed: 2 });
      expect(large.partitions).toMatchObject([{ filesBefore: 3, rowsBefore: 920 }]);
      expect(readManifest(dir.path).absorbed).toEqual(
        expect.arrayContaining(await keysOf(lake, 'orders_cdc/')),
      );
      const after = await currentOrdersBothWays(dir.path);
      expect(after.maintained).toEqual(after.fromHistory);
    } finally {
      await encoder.close();
    }
  });
});
