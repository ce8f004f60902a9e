import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CURRENT_STATE_MANIFEST } from '../src/catalog/lake-layout.ts';
import { compactLake } from '../src/lake/compact.ts';
import { LocalDiskStore } from '../src/lake/local-disk-store.ts';
import type { FolderStore } from '../src/lake/object-store.ts';
import { ParquetEncoder } from '../src/lake/parquet-encoder.ts';
import { snapshotEventRow } from '../src/transform/change-event-row.ts';
import { handler } from '../src/transform/handler.ts';
import { currentOrdersBothWays } from './helpers/current-orders-both-ways.ts';
import { base64Json, firehoseEvent, ORDER_IMAGE, streamRecord } from './helpers/stream-records.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

/**
 * Issue 16: `current_orders` as a maintained snapshot plus the objects it has not absorbed equals the latest
 * change per order over the whole history, whatever arrives in whatever order, and whatever point a
 * compaction is cut short at.
 */

const ORDERS = ['ORD-A', 'ORD-B', 'ORD-C', 'ORD-D'];
/** Sequence numbers start just below 10^21, so they cross from 21 to 22 digits as a run goes on. */
const FIRST_SEQUENCE = 10n ** 21n - 40n;

type Step =
  /** The table changes: `changes` of them, on orders picked by the numbers. */
  | { kind: 'write'; picks: number[] }
  /** The delivery writes an object: up to `n0` pending events of shard 0 and `n1` of shard 1. */
  | { kind: 'deliver'; n0: number; n1: number; json: boolean }
  /** An object written again (a crash between a write and its checkpoint). */
  | { kind: 'duplicate'; object: number }
  /** A replay cut short: the events delivered from the `from`-th, `count` of them, again in one new object. */
  | { kind: 'replay'; from: number; count: number }
  /** A backfill snapshot row (SNAPSHOT, sequence number "0") of an order, as it stood. */
  | { kind: 'backfill'; order: number }
  /**
   * A compaction, cut short before its `crashAt`-th write or delete (0: runs to the end), folding only a delta of
   * at least `foldAt` times the snapshot's bytes (0: always; 1000: only the first, so it merges without folding).
   */
  | { kind: 'compact'; crashAt: number; foldAt: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      picks: fc.array(fc.nat(99), { minLength: 1, maxLength: 6 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('deliver' as const),
      n0: fc.nat(4),
      n1: fc.nat(4),
      json: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), object: fc.nat(99) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('replay' as const),
      from: fc.nat(99),
      count: fc.integer({ min: 1, max: 6 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('backfill' as const), order: fc.nat(99) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('compact' as const),
      crashAt: fc.nat(6),
      foldAt: fc.constantFrom(0, 0.5, 1000),
    }),
  },
);

/** A lake store that dies (throws) right before its `crashAt`-th put or delete, as a killed process would. */
function dyingAt(store: LocalDiskStore, crashAt: number): FolderStore {
  let writes = 0;
  const die = () => {
    if (++writes === crashAt) throw new Error(`killed before write ${crashAt}`);
  };
  return Object.assign(Object.create(store) as LocalDiskStore, {
    put: (key: string, body: Uint8Array | string) => {
      die();
      return store.put(key, body);
    },
    delete: (keys: readonly string[]) => {
      die();
      return store.delete(keys);
    },
  });
}

/** Plays the steps against a lake folder, checking the two definitions of current_orders agree throughout. */
async function play(steps: readonly Step[]): Promise<void> {
  const dir = makeTempDir('current-state');
  const lake = new LocalDiskStore(dir.path);
  const encoder = await ParquetEncoder.create();
  const table = new Map<string, Record<string, object>>();
  const pending: Array<Array<Record<string, unknown>>> = [[], []];
  const emitted: Array<Record<string, unknown>> = [];
  const objects: Array<Array<Record<string, unknown>>> = [];
  const next = [FIRST_SEQUENCE, FIRST_SEQUENCE + 1n];
  let changes = 0;
  const writeObject = async (records: Array<Record<string, unknown>>, json: boolean) => {
    if (records.length === 0) return;
    objects.push(records);
    const log = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const { records: rows } = await handler(firehoseEvent(records.map(base64Json)));
    log.mockRestore();
    const lines = Buffer.concat(rows.map((row) => Buffer.from(row.data, 'base64')));
    const name = `orders_cdc/dt=2025-11-22/object-${String(objects.length).padStart(4, '0')}`;
    await (json ? lake.put(`${name}.json`, lines) : lake.put(`${name}.parquet`, await encoder.encode(lines)));
  };
  try {
    for (const action of steps) {
      if (action.kind === 'write') {
        for (const pick of action.picks) {
          const orderid = ORDERS[pick % ORDERS.length] as string;
          const shard = ORDERS.indexOf(orderid) % 2;
          const before = table.get(orderid);
          const after = { ...ORDER_IMAGE, orderid: { S: orderid }, quantity: { N: String(++changes) } };
          const remove = before !== undefined && pick % 3 === 0;
          const record = streamRecord({
            eventName: before === undefined ? 'INSERT' : remove ? 'REMOVE' : 'MODIFY',
            keys: { orderid: { S: orderid } },
            ...(remove ? { oldImage: before } : { newImage: after, ...(before && { oldImage: before }) }),
            sequenceNumber: String((next[shard] as bigint) + 0n),
          });
          next[shard] = (next[shard] as bigint) + 2n;
          if (remove) table.delete(orderid);
          else table.set(orderid, after);
          pending[shard]?.push(record);
        }
      } else if (action.kind === 'deliver') {
        const records = [
          ...(pending[0]?.splice(0, action.n0) ?? []),
          ...(pending[1]?.splice(0, action.n1) ?? []),
        ];
        emitted.push(...records);
        await writeObject(records, action.json);
      } else if (action.kind === 'duplicate' && objects.length > 0) {
        await writeObject(objects[action.object % objects.length] as Array<Record<string, unknown>>, false);
      } else if (action.kind === 'replay' && emitted.length > 0) {
        const from = action.from % emitted.length;
        await writeObject(emitted.slice(from, from + action.count), false);
      } else if (action.kind === 'backfill') {
        const orderid = ORDERS[action.order % ORDERS.length] as string;
        const item = table.get(orderid);
        if (item) {
          const { line } = snapshotEventRow(item, `backfill-${orderid}-${objects.length}`, Date.now());
          objects.push([]);
          await lake.put(
            `orders_cdc/dt=2025-11-22/object-${String(objects.length).padStart(4, '0')}.json`,
            line,
          );
        }
      } else if (action.kind === 'compact') {
        const store = action.crashAt === 0 ? lake : dyingAt(lake, action.crashAt);
        await compactLake(store, { foldAtFraction: action.foldAt }).catch((error: Error) => {
          if (!error.message.startsWith('killed before write')) throw error;
        });
        const { maintained, fromHistory } = await currentOrdersBothWays(dir.path);
        expect(maintained).toEqual(fromHistory);
      }
    }
    // Everything delivered, then one last full compaction: still the same, and now all of it absorbed.
    await writeObject([...(pending[0] ?? []), ...(pending[1] ?? [])], false);
    await compactLake(lake);
    const { maintained, fromHistory } = await currentOrdersBothWays(dir.path);
    expect(maintained).toEqual(fromHistory);
    expect(await lake.exists(CURRENT_STATE_MANIFEST)).toBe(objects.length > 0);
  } finally {
    await encoder.close();
    dir.remove();
  }
}

describe('the maintained current state', () => {
  afterAll(() => vi.restoreAllMocks());

  it('keeps a removed order removed when an older event of it comes again after the fold (a tombstone)', async () => {
    await play([
      { kind: 'write', picks: [0] }, // INSERT ORD-A
      { kind: 'deliver', n0: 1, n1: 0, json: false },
      { kind: 'write', picks: [12] }, // REMOVE ORD-A (12 % 4 === 0, 12 % 3 === 0)
      { kind: 'deliver', n0: 1, n1: 0, json: false },
      { kind: 'compact', crashAt: 0, foldAt: 0 },
      { kind: 'replay', from: 0, count: 1 }, // the INSERT again
      { kind: 'compact', crashAt: 0, foldAt: 0 },
    ]);
  });

  it('equals the latest change per order over the whole history: late events of another shard, deletes, ' +
    're-created orders, duplicates, replays, backfill rows, and compactions cut short at every step', async () => {
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 30 }), play), {
      numRuns: Number(process.env.PROPERTY_RUNS ?? 25),
    });
  }, 300_000);
});
