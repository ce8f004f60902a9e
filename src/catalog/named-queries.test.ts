import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainRow, writeLakeOf } from '../../test/helpers/lake-of-events.ts';
import { type Item, ORDER_IMAGE, streamRecord } from '../../test/helpers/stream-records.ts';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { DuckDbLake } from './duckdb-lake.ts';
import { MARKER_ORDERID_PREFIX } from './heartbeat-marker.ts';
import { closestName, isQueryName, namedQueries, namedQuerySql, namedQuerySummary } from './named-queries.ts';

type Order = {
  id: string;
  product: string;
  quantity: number;
  price: string;
  status: string;
  created: string;
};
const image = (o: Order) => ({
  ...ORDER_IMAGE,
  orderid: { S: o.id },
  product_name: { S: o.product },
  quantity: { N: String(o.quantity) },
  price: { N: o.price },
  status: { S: o.status },
  created_at: { S: o.created },
});
let sequence = 100;
const insert = (o: Order) =>
  streamRecord({
    eventName: 'INSERT',
    newImage: image(o),
    sequenceNumber: String(++sequence),
    eventID: `${o.id}-${sequence}`,
  });
const modify = (from: Order, to: Order) =>
  streamRecord({
    eventName: 'MODIFY',
    oldImage: image(from),
    newImage: image(to),
    sequenceNumber: String(++sequence),
    eventID: `${to.id}-${sequence}`,
  });
const remove = (o: Order) =>
  streamRecord({
    eventName: 'REMOVE',
    oldImage: image(o),
    sequenceNumber: String(++sequence),
    eventID: `${o.id}-${sequence}`,
  });

const A: Order = {
  id: 'A',
  product: 'Laptop',
  quantity: 2,
  price: '1000',
  status: 'PLACED',
  created: '2026-11-22T08:00:10.000Z',
};
const B: Order = {
  id: 'B',
  product: 'Phone',
  quantity: 1,
  price: '500.5',
  status: 'PLACED',
  created: '2026-11-22T08:00:40.000Z',
};
const C: Order = {
  id: 'C',
  product: 'Laptop',
  quantity: 1,
  price: '999.99',
  status: 'PLACED',
  created: '2026-11-22T08:01:05.000Z',
};
const D: Order = {
  id: 'D',
  product: 'Tablet',
  quantity: 3,
  price: '300',
  status: 'PLACED',
  created: '2026-11-22T08:01:30.000Z',
};
const cancelled = (o: Order): Order => ({ ...o, status: 'CANCELLED' });

const dir = makeTempDir('named-queries');
let lake: DuckDbLake;
const insertA = insert(A);
const eventsOfOrders = [
  insertA,
  insertA, // delivered twice
  modify(A, { ...A, status: 'PAID' }),
  insert(B),
  modify(B, cancelled(B)),
  remove(cancelled(B)),
  insert(C),
  insert(D),
  modify(D, cancelled(D)),
];
beforeAll(async () => {
  await writeLakeOf(dir.path, eventsOfOrders);
  lake = await DuckDbLake.open(dir.path);
});
afterAll(() => {
  lake?.close();
  dir.remove();
});
const run = async (name: string) => (await lake.rows(namedQuerySql(name))).map(plainRow);

describe('named queries on known data (DuckDB)', () => {
  it('are listed with a one-line summary each', () => {
    expect(namedQueries()).toEqual([
      'cancellations',
      'cdc_event_mix',
      'current_orders',
      'order_changes',
      'preview',
      'revenue_by_product',
      'sales_per_minute',
      'sales_projection',
    ]);
    for (const name of namedQueries()) expect(namedQuerySummary(name)).not.toBe('');
  });

  it('preview keeps the original tutorial’s columns first', async () => {
    const rows = await run('preview');
    expect(rows).toHaveLength(9);
    expect(Object.keys(rows[0] ?? {}).slice(0, 6)).toEqual([
      'orderid',
      'product_name',
      'quantity',
      'price',
      'cdc_event_type',
      'creation_datetime',
    ]);
  });

  it('current_orders holds each order as it stands: latest event wins, the removed one is gone', async () => {
    expect((await run('current_orders')).map((r) => [r.orderid, r.status]).sort()).toEqual([
      ['A', 'PAID'],
      ['C', 'PLACED'],
      ['D', 'CANCELLED'],
    ]);
  });

  it('revenue_by_product sums the standing, uncancelled orders exactly', async () => {
    expect(await run('revenue_by_product')).toEqual([
      { product_name: 'Laptop', orders: 2, units: 3, revenue: '2999.99' },
    ]);
  });

  it('cdc_event_mix counts each event once though one arrived twice', async () => {
    expect(await run('cdc_event_mix')).toEqual([
      { cdc_event_type: 'INSERT', events: 4 },
      { cdc_event_type: 'MODIFY', events: 3 },
      { cdc_event_type: 'REMOVE', events: 1 },
    ]);
  });

  it('sales_per_minute counts orders placed and their value per minute', async () => {
    expect(await run('sales_per_minute')).toEqual([
      { minute: '2026-11-22T08:00', orders: 2, revenue: '2500.50' },
      { minute: '2026-11-22T08:01', orders: 2, revenue: '1899.99' },
    ]);
  });

  it('cancellations counts deleted orders per gadget and those cancelled first', async () => {
    expect(await run('cancellations')).toEqual([
      { product_name: 'Phone', deleted: 1, deleted_after_cancel: 1 },
    ]);
  });

  it('order_changes lists each status move once, compared with the order’s previous event', async () => {
    expect(await run('order_changes')).toEqual([
      { change: 'PLACED -> CANCELLED', changes: 2, quantity_delta: 0 },
      { change: 'PLACED -> PAID', changes: 1, quantity_delta: 0 },
    ]);
  });
  // sales_projection: its own file (sales-projection.test.ts), on adversarial series.
});

describe('heartbeat markers', () => {
  const markers = makeTempDir('named-queries-markers');
  const marker = (n: number, at: string) => ({
    orderid: { S: `${MARKER_ORDERID_PREFIX}${n}` },
    written_at: { S: at },
  });
  const markerEvent = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', image: Item) =>
    streamRecord({
      eventName,
      ...(eventName === 'REMOVE' ? { oldImage: image } : { newImage: image }),
      ...(eventName === 'MODIFY' ? { oldImage: image } : {}),
      sequenceNumber: String(++sequence),
      eventID: `marker-${sequence}`,
    });
  let withMarkers: DuckDbLake;
  beforeAll(async () => {
    const first = marker(1, '2026-11-22T08:00:20.000Z');
    const second = marker(2, '2026-11-22T08:01:20.000Z');
    // The same orders as above, with a marker written and removed, one modified, one still standing.
    await writeLakeOf(markers.path, [
      ...eventsOfOrders,
      markerEvent('INSERT', first),
      markerEvent('REMOVE', first),
      markerEvent('INSERT', second),
      markerEvent('MODIFY', second),
    ]);
    withMarkers = await DuckDbLake.open(markers.path);
  });
  afterAll(() => {
    withMarkers?.close();
    markers.remove();
  });

  it('never show in an analytic: every named query but preview answers as if they were not there', async () => {
    expect((await withMarkers.rows(namedQuerySql('preview'))).length).toBeGreaterThan(9);
    // current_orders has no ORDER BY: rows compared as sets.
    const sorted = (rows: Record<string, unknown>[]) => rows.map((row) => JSON.stringify(row)).sort();
    for (const name of namedQueries().filter((query) => query !== 'preview')) {
      const rows = (await withMarkers.rows(namedQuerySql(name))).map(plainRow);
      expect(sorted(rows), name).toEqual(sorted(await run(name)));
    }
  });

  it('are not in current_orders as the lake maintains it either', async () => {
    const ids = await withMarkers.rows('SELECT orderid FROM current_orders ORDER BY orderid');
    expect(ids.map((row) => row.orderid)).toEqual(['A', 'C', 'D']);
  });
});

describe('a name that is not a named query', () => {
  it('is told with the closest name, or with the list when none is close', () => {
    expect(closestName('revenue_by_prodct', namedQueries())).toBe('revenue_by_product');
    expect(closestName('REVENUE', namedQueries())).toBe('revenue_by_product');
    expect(closestName('preveiw', namedQueries())).toBe('preview');
    expect(closestName('nosuchquery', namedQueries())).toBeUndefined();
    expect(() => namedQuerySql('cancelations')).toThrow(/did you mean cancellations\?/);
    expect(() => namedQuerySql('nosuchquery')).toThrow(/The named queries are cancellations, cdc_event_mix/);
  });

  it('is a single word; anything else is SQL', () => {
    expect(isQueryName('revenue_by_product')).toBe(true);
    expect(isQueryName('SELECT 1')).toBe(false);
  });
});
