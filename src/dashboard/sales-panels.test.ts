import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLakeOf } from '../../test/helpers/lake-of-events.ts';
import { salesSeriesRecords } from '../../test/helpers/sales-series.ts';
import { ORDER_IMAGE, streamRecord } from '../../test/helpers/stream-records.ts';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { DuckDbLake } from '../catalog/duckdb-lake.ts';
import { MARKER_ORDERID_PREFIX } from '../catalog/heartbeat-marker.ts';
import { salesPanels } from './sales-panels.ts';
import { sharedStatement, splitSharedRows } from './shared-statement.ts';

const START = Date.parse('2026-11-22T09:00:00.000Z');
const order = (orderid: string, status: string, quantity = '1') => ({
  ...ORDER_IMAGE,
  orderid: { S: orderid },
  status: { S: status },
  quantity: { N: quantity },
});

/** Twelve minutes of sales, an order paid and one cancelled and deleted: every panel has rows. */
const ORDERS = [
  ...salesSeriesRecords(
    { Drone: [10, 100, 120, 90, 130, 110, 100, 140, 120, 60], Phone: [50, 0, 70, 80] },
    START,
  ),
  streamRecord({ eventName: 'INSERT', newImage: order('A', 'PLACED'), sequenceNumber: '1' }),
  streamRecord({
    eventName: 'MODIFY',
    oldImage: order('A', 'PLACED'),
    newImage: order('A', 'PAID'),
    sequenceNumber: '2',
  }),
  streamRecord({ eventName: 'INSERT', newImage: order('B', 'PLACED'), sequenceNumber: '3' }),
  streamRecord({
    eventName: 'MODIFY',
    oldImage: order('B', 'PLACED'),
    newImage: order('B', 'CANCELLED'),
    sequenceNumber: '4',
  }),
  streamRecord({ eventName: 'REMOVE', oldImage: order('B', 'CANCELLED'), sequenceNumber: '5' }),
];

/** What `gadget-cdc heartbeat` leaves: a marker written and removed, one still standing, one with a value no column holds. */
const MARKERS = [
  streamRecord({
    eventName: 'INSERT',
    newImage: order(`${MARKER_ORDERID_PREFIX}1`, 'PLACED'),
    sequenceNumber: '6',
  }),
  streamRecord({
    eventName: 'REMOVE',
    oldImage: order(`${MARKER_ORDERID_PREFIX}1`, 'PLACED'),
    sequenceNumber: '7',
  }),
  streamRecord({
    eventName: 'INSERT',
    newImage: order(`${MARKER_ORDERID_PREFIX}2`, 'PLACED', '1.5'),
    sequenceNumber: '8',
  }),
];

const plain = makeTempDir('sales-panels');
const marked = makeTempDir('sales-panels-markers');
let lake: DuckDbLake;
let markedLake: DuckDbLake;
beforeAll(async () => {
  await writeLakeOf(plain.path, ORDERS);
  await writeLakeOf(marked.path, [...ORDERS, ...MARKERS]);
  lake = await DuckDbLake.open(plain.path);
  markedLake = await DuckDbLake.open(marked.path);
});
afterAll(() => {
  lake.close();
  markedLake.close();
  plain.remove();
  marked.remove();
});

describe('salesPanels', () => {
  it('shows every panel with data over a lake of sales', async () => {
    const panels = await salesPanels(lake);
    expect(panels.totals).toEqual({
      orders: 14,
      revenue: expect.any(Number),
      events: 18,
      unrepresentable: 0,
    });
    const { perMinute, byProduct, funnel, cancellations, flow, recentChanges } = panels;
    for (const rows of [perMinute, byProduct, funnel, cancellations, flow, recentChanges])
      expect(rows.length).toBeGreaterThan(0);
    expect(cancellations).toEqual([{ product_name: 'Laptop', deleted: 1, deleted_after_cancel: 1 }]);
    expect(panels.projection.line.points).toHaveLength(60);
  });

  it('leaves heartbeat markers out of every panel: a lake with markers shows what it shows without them', async () => {
    const events = await markedLake.rows(
      `SELECT count(*) AS n FROM orders_cdc WHERE orderid LIKE '${MARKER_ORDERID_PREFIX}%'`,
    );
    expect(Number(events[0]?.n)).toBe(3);
    expect(await salesPanels(markedLake)).toEqual(await salesPanels(lake));
    expect(await salesPanels(markedLake, { fewestStatements: true })).toEqual(await salesPanels(lake));
  });

  it('gives the same panels in three statements (for Athena) as in one statement per panel', async () => {
    const statements: string[] = [];
    const counting = {
      rows: (sql: string) => {
        statements.push(sql);
        return lake.rows(sql);
      },
    };
    expect(await salesPanels(counting, { fewestStatements: true })).toEqual(await salesPanels(lake));
    expect(statements).toHaveLength(3);
  });
});

describe('sharedStatement', () => {
  const parts = {
    letters: {
      sql: "SELECT 'b' AS letter UNION ALL SELECT 'a' UNION ALL SELECT 'c'\nORDER BY letter",
      columns: ['letter'],
    },
    numbers: { sql: 'SELECT range AS n FROM range(10)\nORDER BY n DESC\nLIMIT 5', columns: ['n'], last: 2 },
  };

  it('keeps each part’s order and its last rows, and counts the rows it had', async () => {
    const split = splitSharedRows(parts, await lake.rows(sharedStatement(parts)));
    expect(split.letters).toEqual({ rows: [{ letter: 'a' }, { letter: 'b' }, { letter: 'c' }], total: 3 });
    expect(split.numbers?.total).toBe(5);
    expect(split.numbers?.rows.map((row) => Number(row.n))).toEqual([6, 5]);
  });

  it('refuses a part whose final ORDER BY it would not see', () => {
    expect(() => sharedStatement({ odd: { sql: 'SELECT 1 AS x ORDER BY x', columns: ['x'] } })).toThrow(
      /panel odd must end with its ORDER BY on one line/,
    );
  });
});
