import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DuckDbLake } from '../src/catalog/duckdb-lake.ts';
import { namedQuerySql } from '../src/catalog/named-queries.ts';
import { sqlString } from '../src/catalog/sql-literal.ts';
import { compactLake, PERIODIC_FOLD_FRACTION } from '../src/lake/compact.ts';
import { LocalDiskStore } from '../src/lake/local-disk-store.ts';
import { percentile } from '../src/observe/change-freshness.ts';
import { makeTempDir } from '../test/helpers/temp-dir.ts';
import { copiedColumns, loadBlock, writeLake } from './lake-query-bench.ts';

const BLOCK = 100_000;
const RUNS = 3;

/**
 * `npm run bench current-state [events…]` (default 1,000,000 and 10,000,000): `revenue_by_product` on a lake
 * of real transform rows four ways in one run — over the whole history as Athena's view ranks it (Parquet, and
 * seed-style JSON lines), from the maintained current state (snapshot plus a 1% delta of newer changes to
 * existing orders), and from the snapshot alone — with what the compaction costs: the first snapshot of the
 * whole history, and folding the 1% delta into it.
 */
export async function currentStateBenchmark(args: string[]): Promise<void> {
  const sizes = args.length > 0 ? args.map(Number) : [1_000_000, 10_000_000];
  console.log(`current-state benchmark: revenue_by_product, median of ${RUNS} runs`);
  for (const events of sizes) {
    const dir = makeTempDir('bench-current-state');
    try {
      await measure(dir.path, events);
    } finally {
      dir.remove();
    }
  }
}

async function measure(dir: string, events: number): Promise<void> {
  const blocks = Math.max(1, Math.round(events / BLOCK));
  const total = blocks * BLOCK;
  const delta = Math.max(1, Math.round(total / 100));
  const lakes = { parquet: join(dir, 'lake-parquet'), json: join(dir, 'lake-json') };
  const instance = await DuckDBInstance.create(':memory:', { temp_directory: join(dir, 'duckdb-tmp') });
  const connection = await instance.connect();
  try {
    console.log(`  ${total.toLocaleString('en-US')} events (building the lakes…)`);
    await loadBlock(connection, dir, BLOCK);
    await writeLake(connection, lakes.parquet, 'parquet', blocks, BLOCK);
    await writeLake(connection, lakes.json, 'json', blocks, BLOCK);
    execFileSync('sync');
    const history = `SELECT * FROM (${fullHistoryRevenue()})`;
    const json = await timed(lakes.json, history);
    const parquet = await timed(lakes.parquet, history);
    line(`whole history, JSON lines (seed-style)`, json);
    line(`whole history, Parquet`, parquet);

    const store = new LocalDiskStore(lakes.parquet);
    const first = await elapsed(() => compactLake(store));
    console.log(
      `    first snapshot of the whole history: ${(first.ms / 1000).toFixed(1)} s, ${first.value.snapshot?.orders.toLocaleString('en-US')} orders (tombstones included)`,
    );
    await writeDelta(connection, lakes.parquet, delta, blocks);
    execFileSync('sync');
    const maintained = await timed(lakes.parquet, namedQuerySql('revenue_by_product'));
    line(`current state: snapshot + 1% delta (${delta.toLocaleString('en-US')} newer changes)`, maintained);
    // As up's periodic compaction folds: one thread, once the delta reaches 1% of the snapshot (it has).
    const fold = await elapsed(() => compactLake(store, { foldAtFraction: PERIODIC_FOLD_FRACTION }));
    if (!fold.value.snapshot) throw new Error('the 1% delta was not folded');
    console.log(
      `    folding the 1% delta into the snapshot (one thread, as up does): ${(fold.ms / 1000).toFixed(1)} s, ` +
        `${((fold.ms * 1000) / delta).toFixed(0)} µs per change folded`,
    );
    const snapshotOnly = await timed(lakes.parquet, namedQuerySql('revenue_by_product'));
    line('current state: snapshot alone', snapshotOnly);
    console.log(
      `    snapshot + 1% delta is ${(median(parquet) / median(maintained)).toFixed(1)}× faster than the whole history ` +
        `on Parquet, ${(median(json) / median(maintained)).toFixed(1)}× faster than on JSON lines`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** `revenue_by_product` over the named `current_orders` (the latest event per order over every event). */
function fullHistoryRevenue(): string {
  const window = namedQuerySql('current_orders').replace(/--.*$/gm, '');
  return namedQuerySql('revenue_by_product')
    .replace(/--.*$/gm, '')
    .replace('FROM current_orders', `FROM (${window}) AS current_orders`);
}

/**
 * One new object of `count` changes to existing orders (the block's changes replayed onto the first copy's
 * orders, newer than every event so far), in a partition of its own, as a day of new changes lands.
 */
async function writeDelta(
  connection: Awaited<ReturnType<DuckDBInstance['connect']>>,
  lakeDir: string,
  count: number,
  blocks: number,
): Promise<void> {
  const columns = copiedColumns({
    eventId: `md5(event_id || '/delta/' || rep)`,
    sequenceNumber: `CAST(900000000000000000000::HUGEINT + rep * ${BLOCK} + i AS VARCHAR)`,
  });
  const folder = join(lakeDir, 'orders_cdc', 'dt=2026-12-01');
  mkdirSync(folder, { recursive: true });
  // rep cycles over the copies so the changes touch orders of every day, not one partition's.
  await connection.run(
    `COPY (SELECT ${columns} FROM (SELECT *, (i % ${blocks}) AS rep, ` +
      `'ORD-' || upper(substr(md5(orderid || '/' || (i % ${blocks})), 1, 12)) AS copy_orderid FROM block ` +
      `ORDER BY i LIMIT ${count})) TO ${sqlString(join(folder, 'delta.parquet'))} (FORMAT parquet, COMPRESSION snappy)`,
  );
}

async function timed(lakeDir: string, sql: string): Promise<number[]> {
  const lake = await DuckDbLake.open(lakeDir);
  try {
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const { ms, value } = await elapsed(() => lake.rows(sql));
      if (value.length === 0) throw new Error(`revenue_by_product found no rows in ${lakeDir}`);
      times.push(ms);
    }
    return times;
  } finally {
    lake.close();
  }
}

async function elapsed<T>(act: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await act();
  return { ms: performance.now() - started, value };
}

function median(runs: readonly number[]): number {
  return (
    percentile(
      [...runs].sort((a, b) => a - b),
      0.5,
    ) ?? 0
  );
}

function line(what: string, runs: readonly number[]): void {
  console.log(`    ${what}: ${(median(runs) / 1000).toFixed(2)} s`);
}
