import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ScriptedDynamoDb, throttled } from '../../test/helpers/scripted-dynamodb.ts';
import { TableReader } from '../aws/table-scan.ts';
import { MARKER_ORDERID_PREFIX } from '../catalog/heartbeat-marker.ts';
import type { QueryEngine } from '../catalog/query-engine.ts';
import { checkCurrentOrders, formatCheck, formatExamples, holds } from './current-orders-check.ts';

type Item = Record<string, AttributeValue>;
const order = (id: string, status = 'PLACED', price = '10.5'): Item => ({
  orderid: { S: id },
  status: { S: status },
  price: { N: price },
});
/** image_json as the transform writes it for `order(...)`. */
const image = (id: string, status = 'PLACED', price = '10.5') =>
  `{"orderid":"${id}","status":"${status}","price":${price}}`;
/** How an example shows an order: keys sorted, numbers exact. */
const shown = (id: string, status = 'PLACED', price = '10.5') =>
  `{"orderid":"${id}","price":${price},"status":"${status}"}`;

/** A fake clock: `sleep` moves it on at once. */
function fakeClock(start = 1_000_000) {
  const clock = {
    ms: start,
    slept: [] as number[],
    now: () => clock.ms,
    sleep: async (ms: number) => {
      clock.slept.push(ms);
      clock.ms += ms;
    },
  };
  return clock;
}

/** current_orders from a map the test changes as the lake "catches up"; every statement is recorded. */
function scriptedLake(orders: Map<string, string>, counts = { duplicates: 0, unrepresentable: 0 }) {
  const statements: string[] = [];
  const engine: QueryEngine = {
    rows: async (sql) => {
      statements.push(sql);
      if (/FROM current_orders/.test(sql))
        return [...orders].map(([orderid, image_json]) => ({ orderid, image_json }));
      if (/FROM orders_cdc/.test(sql)) return [counts];
      throw new Error(`unexpected SQL ${sql}`);
    },
    close: () => {},
  };
  return { engine, statements };
}

describe('checkCurrentOrders', () => {
  it('holds when the lake matches, numbers compared canonically, markers left out on both sides', async () => {
    const table = new ScriptedDynamoDb().put(order('A', 'PLACED', '48.20'), order('B'), {
      orderid: { S: `${MARKER_ORDERID_PREFIX}1` },
      written_at: { S: 'now' },
    });
    const { engine, statements } = scriptedLake(
      new Map([
        ['A', image('A', 'PLACED', '48.2')],
        ['B', image('B')],
      ]),
      { duplicates: 2, unrepresentable: 1 },
    );
    const check = await checkCurrentOrders(engine, table.client, 'orders', { segments: 3 });
    expect(holds(check)).toBe(true);
    expect(check).toMatchObject({
      tableItems: 2,
      currentOrders: 2,
      duplicateDeliveries: 2,
      unrepresentableChanges: 1,
    });
    // No second look when nothing differs; one Scan call per segment (pages of 2 items, 3 items in all).
    expect(statements.filter((sql) => sql.includes('current_orders'))).toHaveLength(1);
    expect(table.count('BatchGetItem')).toBe(0);
    expect(table.calls.filter((c) => c.op === 'Scan').map((c) => c.input.Segment)).toEqual([0, 1, 2]);
    expect(formatCheck(check)).toMatch(/nothing lost: 2 orders in the table, 2 in current_orders; lost 0/);
  });

  it('finds a planted lost, unexpected and different order after the settle time, with examples', async () => {
    const table = new ScriptedDynamoDb().put(order('A'), order('LOST'), order('DIFF', 'PAID'));
    const { engine } = scriptedLake(
      new Map([
        ['A', image('A')],
        ['DIFF', image('DIFF', 'PLACED')],
        ['GHOST', image('GHOST')],
      ]),
    );
    const clock = fakeClock();
    const check = await checkCurrentOrders(engine, table.client, 'orders', { settleMs: 300_000, ...clock });
    expect(check.lost).toEqual(['LOST']);
    expect(check.unexpected).toEqual(['GHOST']);
    expect(check.different).toEqual(['DIFF']);
    expect(check.changedDuringCheck).toEqual([]);
    expect(holds(check)).toBe(false);
    // It waited the settle time after the scan before looking again (the fake clock does not move otherwise).
    expect(clock.slept).toEqual([300_000]);
    expect(check.examples).toEqual([
      { kind: 'lost', orderid: 'LOST', table: shown('LOST') },
      { kind: 'unexpected', orderid: 'GHOST', lake: shown('GHOST') },
      { kind: 'different', orderid: 'DIFF', table: shown('DIFF', 'PAID'), lake: shown('DIFF', 'PLACED') },
    ]);
    expect(formatCheck(check)).toMatch(
      /MISMATCH: .*lost 1 \(LOST\), unexpected 1 \(GHOST\), different 1 \(DIFF\)/,
    );
    expect(formatExamples(check)[2]).toBe(
      `  different DIFF: table ${shown('DIFF', 'PAID')} · current_orders ${shown('DIFF', 'PLACED')}`,
    );
  });

  it('does not count changes the lake catches up with inside the settle time', async () => {
    const table = new ScriptedDynamoDb().put(order('A', 'PAID'), order('NEW'));
    const lake = new Map([
      ['A', image('A', 'PLACED')],
      ['GONE', image('GONE')],
    ]);
    const { engine } = scriptedLake(lake);
    const clock = {
      ...fakeClock(),
      // While the check waits, the pipeline delivers the three changes the scan saw.
      sleep: async () => {
        lake.set('A', image('A', 'PAID'));
        lake.set('NEW', image('NEW'));
        lake.delete('GONE');
      },
    };
    const check = await checkCurrentOrders(engine, table.client, 'orders', { settleMs: 60_000, ...clock });
    expect(holds(check)).toBe(true);
    expect(check.changedDuringCheck).toEqual([]);
  });

  it('sets apart, and does not count, orders whose item changed while the check ran', async () => {
    const table = new ScriptedDynamoDb().put(order('A'), order('B', 'PAID'));
    const { engine } = scriptedLake(new Map([['B', image('B', 'PLACED')]]));
    // Between the scan and the second look, A is deleted and B moves on: the lake may not have that yet.
    table.beforeNext('BatchGetItem', () => {
      table.items.delete('A');
      table.put(order('B', 'SHIPPED'));
    });
    const check = await checkCurrentOrders(engine, table.client, 'orders', {
      settleMs: 1_000,
      ...fakeClock(),
    });
    expect(check.changedDuringCheck.toSorted()).toEqual(['A', 'B']);
    expect(holds(check)).toBe(true);
    expect(formatCheck(check)).toMatch(/2 more changed in the table while the check ran and are not counted/);
  });

  it('reads the lake again before the items, so a change landing in between is never blamed on the lake', async () => {
    const table = new ScriptedDynamoDb().put(order('A', 'PAID'));
    const lake = new Map([['A', image('A', 'PLACED')]]);
    const { engine, statements } = scriptedLake(lake);
    const order_: string[] = [];
    table.beforeNext('BatchGetItem', () => order_.push(`items after ${statements.length} statements`));
    const check = await checkCurrentOrders(engine, table.client, 'orders', { ...fakeClock() });
    expect(order_).toEqual(['items after 3 statements']); // current_orders, the counts, current_orders again
    expect(check.different).toEqual(['A']);
  });
});

describe('TableReader', () => {
  it('scans every item once across segments and pages, and keeps to its read-unit budget', async () => {
    const table = new ScriptedDynamoDb('orders', { pageSize: 3, unitsPerPage: 5 });
    for (let i = 0; i < 40; i++) table.put(order(`O-${String(i).padStart(2, '0')}`));
    const clock = fakeClock(0);
    const progress: number[] = [];
    const seen: string[] = [];
    const reader = new TableReader(table.client, 'orders', {
      segments: 4,
      maxReadUnitsPerSecond: 10,
      onProgress: (p) => progress.push(p.items),
      ...clock,
    });
    const { items, readUnits } = await reader.scan((item) => seen.push(item.orderid?.S ?? ''));
    expect(items).toBe(40);
    expect(seen.toSorted()).toEqual([...table.items.keys()].sort());
    const pages = table.count('Scan');
    expect(readUnits).toBe(5 * pages);
    // 10 units/s: the scan cannot have taken less than (units before its last page) / 10 seconds.
    expect(clock.ms).toBeGreaterThanOrEqual(((readUnits - 5 * 4) / 10) * 1000);
    expect(progress.at(-1)).toBe(40);
  });

  it('retries throttling with backoff and fails with one line naming the table when refused', async () => {
    const table = new ScriptedDynamoDb().put(order('A'));
    table.failNext('Scan', throttled(), throttled());
    const clock = fakeClock();
    const reader = new TableReader(table.client, 'orders', { segments: 1, ...clock });
    expect((await reader.scan(() => {})).items).toBe(1);
    expect(clock.slept).toHaveLength(2);

    const missing = new TableReader(table.client, 'no-such-table', { ...clock });
    await expect(missing.scan(() => {})).rejects.toThrow(
      /^DynamoDB DescribeTable on table no-such-table failed: ResourceNotFoundException: .*Check the table name/,
    );
  });

  it('gets keys in batches of 100 and asks again for the unprocessed ones', async () => {
    const table = new ScriptedDynamoDb('orders', { batchServed: 60 });
    const keys = Array.from({ length: 250 }, (_, i) => ({ orderid: { S: `K${i}` } }));
    for (const key of keys.slice(0, 200)) table.put(order(key.orderid.S));
    const reader = new TableReader(table.client, 'orders', { ...fakeClock() });
    const found = await reader.get(keys);
    expect(found.map((item) => item.orderid?.S).toSorted()).toEqual([...table.items.keys()].sort());
    for (const call of table.calls.filter((c) => c.op === 'BatchGetItem')) {
      const request = (
        call.input.RequestItems as Record<string, { Keys: unknown[]; ConsistentRead: boolean }>
      ).orders;
      expect(request?.Keys.length).toBeLessThanOrEqual(100);
      expect(request?.ConsistentRead).toBe(true);
    }
  });
});
