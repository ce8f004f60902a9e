import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeLakeOf } from '../../test/helpers/lake-of-events.ts';
import { ORDER_IMAGE, streamRecord } from '../../test/helpers/stream-records.ts';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { snapshotEventRow } from '../transform/change-event-row.ts';
import { DuckDbLake } from './duckdb-lake.ts';
import { orderHistory } from './order-history.ts';

const order = (status: string, quantity: number) => ({
  ...ORDER_IMAGE,
  orderid: { S: 'ORD-A' },
  status: { S: status },
  quantity: { N: String(quantity) },
});

describe('orderHistory', () => {
  it('lists every change in stream order, once each, with what it changed; deleted, re-created, standing', async () => {
    const dir = makeTempDir('order-history');
    let sequence = 100_000_000_000_000_000_000n;
    const change = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', image: Record<string, unknown>) =>
      streamRecord({
        eventName,
        ...(eventName === 'REMOVE' ? { oldImage: image } : { newImage: image }),
        sequenceNumber: String(++sequence),
        eventID: `a-${sequence}`,
      } as Parameters<typeof streamRecord>[0]);
    const placed = change('INSERT', order('PLACED', 2));
    const more = change('MODIFY', order('PLACED', 3));
    const paid = change('MODIFY', order('PAID', 2));
    const other = streamRecord({
      eventName: 'INSERT',
      newImage: { ...ORDER_IMAGE, orderid: { S: 'ORD-B' } },
    });
    const removed = change('REMOVE', order('PAID', 2));
    const recreated = change('INSERT', order('PLACED', 1));
    // Delivered out of stream order, one twice, with another order's change between.
    await writeLakeOf(dir.path, [paid, placed, other, recreated, more, removed, paid]);
    // And a backfill snapshot of it (sequence number 0: first in stream order).
    writeFileSync(
      join(dir.path, 'orders_cdc', 'dt=2025-11-22', 'backfill.json'),
      snapshotEventRow(order('PLACED', 2), 'backfill-ORD-A', Date.now()).line,
    );
    const lake = await DuckDbLake.open(dir.path);
    try {
      const history = await orderHistory(lake, 'ORD-A');
      expect(history.changes.map((c) => [c.kind, c.what_changed])).toEqual([
        ['SNAPSHOT', 'as a backfill scan found it (no change)'],
        ['INSERT', 'placed'],
        ['MODIFY', 'quantity 2 → 3'],
        ['MODIFY', 'status PLACED → PAID; quantity 3 → 2'],
        ['REMOVE', 'deleted'],
        ['INSERT', 're-created'],
      ]);
      expect(history.current).toMatchObject({ orderid: 'ORD-A', status: 'PLACED', quantity: 1 });
      expect((await orderHistory(lake, 'ORD-B')).changes).toHaveLength(1);
      // An id is data, never SQL.
      expect(await orderHistory(lake, "ORD-'; DROP")).toEqual({
        orderid: "ORD-'; DROP",
        changes: [],
        current: undefined,
      });
    } finally {
      lake.close();
      dir.remove();
    }
  });
});
