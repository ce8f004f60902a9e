import { describe, expect, it } from 'vitest';
import type { Order, OrderChange } from '../generator/order.ts';
import { ChangeFreshness, formatFreshness, LatencyHistogram, percentile } from './change-freshness.ts';

const order = (orderid: string, updated_at: string): Order => ({
  orderid,
  product_name: 'Laptop',
  quantity: 1,
  price: '10.00',
  status: 'PLACED',
  customer_id: 'CUST-1',
  created_at: '2026-12-01T00:00:00.000Z',
  updated_at,
});

/** One orders_cdc row as the transform writes it (only the fields the matching reads). */
const row = (orderid: string, cdc_event_type: string, updated_at: string) =>
  new TextEncoder().encode(`${JSON.stringify({ orderid, cdc_event_type, updated_at, quantity: 1 })}\n`);

describe('ChangeFreshness', () => {
  it('counts a change whose row landed before its write was confirmed (a batch confirms after its retries)', () => {
    const freshness = new ChangeFreshness();
    freshness.landed([row('A', 'INSERT', 't1'), row('Z', 'INSERT', 't0')], 1_000);
    freshness.wrote({ kind: 'insert', order: order('A', 't1') }, 1_050);
    expect(freshness.summary()).toMatchObject({ measured: 1, pending: 0, maxMs: 0 });
    // A row that never meets its write is forgotten after a minute; a write after that waits as usual.
    freshness.landed([], 61_001);
    freshness.wrote({ kind: 'insert', order: order('Z', 't0') }, 61_002);
    expect(freshness.summary()).toMatchObject({ measured: 1, pending: 1 });
  });

  it('times each change from its write to the object holding its row; duplicates and rows of other runs count nothing', () => {
    const freshness = new ChangeFreshness();
    const a1 = order('A', 't1');
    const a2 = { ...a1, quantity: 2, updated_at: 't2' };
    const changes: Array<[OrderChange, number]> = [
      [{ kind: 'insert', order: a1 }, 1_000],
      [{ kind: 'update', order: a2, previous: a1, changed: 'quantity' }, 1_100],
      [{ kind: 'delete', previous: a2 }, 1_200],
      [{ kind: 'insert', order: order('B', 't1') }, 1_300],
    ];
    for (const [change, at] of changes) freshness.wrote(change, at);
    freshness.landed([row('A', 'INSERT', 't1'), row('A', 'MODIFY', 't2'), row('X', 'INSERT', 't0')], 2_000);
    freshness.landed([row('A', 'INSERT', 't1'), row('A', 'REMOVE', 't2')], 2_500);
    expect(freshness.summary()).toEqual({
      measured: 3,
      pending: 1,
      p50Ms: 1_000,
      p99Ms: 1_300,
      maxMs: 1_300,
    });
    expect(formatFreshness(freshness.summary())).toBe(
      'freshness (DynamoDB write confirmed → visible in current_orders) over 3 changes: ' +
        'p50 1.00 s, p99 1.30 s, max 1.30 s, 1 not seen in the lake',
    );
  });

  it('says so when nothing was measured', () => {
    expect(formatFreshness(new ChangeFreshness().summary())).toBe(
      'freshness: no change of this run measured',
    );
  });

  it('keeps latencies in fixed memory: percentiles to the millisecond, the maximum exact', () => {
    const histogram = new LatencyHistogram();
    expect(histogram.percentile(0.5)).toBeUndefined();
    for (let ms = 1; ms <= 100; ms++) histogram.add(ms + 0.4);
    histogram.add(900_000.5); // beyond the 10-minute buckets
    expect([histogram.percentile(0.5), histogram.percentile(0.99), histogram.percentile(1)]).toEqual([
      51, 100, 900_000.5,
    ]);
    expect(histogram.count).toBe(101);
  });

  it('takes the nearest-rank percentile', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(values, 0.5), percentile(values, 0.99), percentile(values, 1)]).toEqual([50, 99, 100]);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeUndefined();
  });
});
