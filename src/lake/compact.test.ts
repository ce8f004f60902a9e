import { afterAll, describe, expect, it, vi } from 'vitest';
import { plannedFirehoseRecords } from '../../bench/planned-records.ts';
import { keysOf } from '../../test/helpers/object-keys.ts';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
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
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
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

    const [result, ...others] = await compactLake(lake);
    expect(others).toEqual([]);
    expect(result).toMatchObject({
      partition: 'orders_cdc/dt=2026-11-22/',
      filesBefore: 4,
      rowsBefore: 900,
      rowsAfter: 600,
    });
    expect(await keysOf(lake, 'orders_cdc/')).toEqual([result?.written]);
    expect(await eventIds(dir.path)).toEqual([...new Set(before)].sort());
    expect(await compactLake(lake)).toEqual([]); // one file left: nothing to do
  });
});
