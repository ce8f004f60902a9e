import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeLakeOf } from '../../test/helpers/lake-of-events.ts';
import { ORDER_IMAGE, streamRecord } from '../../test/helpers/stream-records.ts';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { snapshotEventRow } from '../transform/change-event-row.ts';
import { DuckDbLake } from './duckdb-lake.ts';
import { lakeSummary } from './lake-summary.ts';

const dir = makeTempDir('lake-summary');
afterAll(() => dir.remove());

const order = (orderid: string, updatedAt: string, more: Record<string, object> = {}) => ({
  ...ORDER_IMAGE,
  orderid: { S: orderid },
  updated_at: { S: updatedAt },
  ...more,
});

async function summaryOf(lakeDir: string) {
  const lake = await DuckDbLake.open(lakeDir);
  try {
    return await lakeSummary(lake);
  } finally {
    lake.close();
  }
}

describe('lakeSummary', () => {
  it('counts distinct events by kind (backfill snapshots apart), duplicate deliveries, unrepresentable events, standing orders and the newest change', async () => {
    const insertA = streamRecord({
      eventName: 'INSERT',
      newImage: order('A', '2026-11-22T08:00:00.000Z'),
      eventID: 'a1',
    });
    await writeLakeOf(dir.path, [
      insertA,
      insertA, // delivered twice
      streamRecord({
        eventName: 'MODIFY',
        newImage: order('A', '2026-11-22T08:05:00.250Z', { quantity: { N: '1E+40' } }),
        oldImage: order('A', '2026-11-22T08:00:00.000Z'),
        eventID: 'a2',
      }),
      streamRecord({ eventName: 'INSERT', newImage: order('B', '2026-11-22T08:01:00.000Z'), eventID: 'b1' }),
      streamRecord({ eventName: 'REMOVE', oldImage: order('B', '2026-11-22T08:01:00.000Z'), eventID: 'b2' }),
      streamRecord({ eventName: 'INSERT', newImage: order('C', '2026-11-22T08:02:00.000Z'), eventID: 'c1' }),
    ]);
    // A backfill snapshot of an order that was never captured: a standing order, not a change event.
    const snapshot = snapshotEventRow(order('D', '2026-11-22T07:00:00.000Z'), 'backfill-D', Date.now());
    writeFileSync(join(dir.path, 'orders_cdc', 'dt=2025-11-22', 'backfill.json'), snapshot.line);
    expect(await summaryOf(dir.path)).toEqual({
      events: 5,
      inserts: 3,
      modifies: 1,
      removes: 1,
      snapshots: 1,
      duplicateDeliveries: 1,
      unrepresentable: 1,
      currentOrders: 3,
      newestChangeMs: Date.parse('2026-11-22T08:05:00.250Z'),
    });
  });

  it('is all zeros, with no newest change, over an empty lake', async () => {
    const empty = makeTempDir('lake-summary-empty');
    try {
      expect(await summaryOf(empty.path)).toEqual({
        events: 0,
        inserts: 0,
        modifies: 0,
        removes: 0,
        snapshots: 0,
        duplicateDeliveries: 0,
        unrepresentable: 0,
        currentOrders: 0,
        newestChangeMs: undefined,
      });
    } finally {
      empty.remove();
    }
  });
});
