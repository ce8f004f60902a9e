import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plannedFirehoseRecords } from '../bench/planned-records.ts';
import { ensureKinesisStream } from '../src/aws/kinesis-stream.ts';
import { DuckDbLake } from '../src/catalog/duckdb-lake.ts';
import { DeliveryWorker } from '../src/delivery/delivery-worker.ts';
import { LocalDiskStore } from '../src/lake/local-disk-store.ts';
import type { FirehoseTransformationEvent } from '../src/transform/firehose-event.ts';
import { handler } from '../src/transform/handler.ts';
import { deliveryCheckpointDir, localDelivery } from '../src/twin/local-delivery.ts';
import { redriveErrors } from '../src/twin/redrive.ts';
import { ReplayConflictError, replayStream } from '../src/twin/replay.ts';
import { kinesaliteSuite } from './helpers/kinesalite-suite.ts';
import { keysOf } from './helpers/object-keys.ts';
import { waitFor } from './helpers/processes.ts';

const suite = kinesaliteSuite('replay-redrive');
const { dir, putOnKinesis } = suite;

async function eventIds(lakeDir: string): Promise<Set<string>> {
  if (!existsSync(join(lakeDir, 'orders_cdc'))) return new Set();
  const lake = await DuckDbLake.open(lakeDir);
  try {
    return new Set((await lake.rows('SELECT event_id FROM orders_cdc')).map((r) => r.event_id as string));
  } finally {
    lake.close();
  }
}

/** The planned records' payloads, and their event ids. */
function planned(count: number, seed: string) {
  const records = plannedFirehoseRecords(count, seed).map((r) => Buffer.from(r.data, 'base64'));
  const ids = records.map((r) => (JSON.parse(r.toString()) as { eventID: string }).eventID);
  return { records, ids };
}

async function deliverAll(dataDir: string, stream: string, count: number) {
  const worker = localDelivery(suite.clients, dataDir, stream, { onTransformWarning: () => {} });
  void worker.start();
  expect(await waitFor(() => worker.metrics.rowsWritten === count, 30_000)).toBe(true);
  await worker.stop();
}

describe('replay: the lake rebuilt from the Kinesis stream', () => {
  it('brings back the rows of a lost object, from TRIM_HORIZON or a time; resumable; a different --from is refused', async () => {
    const dataDir = join(dir.path, 'replay');
    const lakeDir = join(dataDir, 'lake');
    await ensureKinesisStream(suite.clients.kinesis, 'replay', 2);
    const first = planned(400, 'replay-1');
    await putOnKinesis('replay', first.records);
    await deliverAll(dataDir, 'replay', 400);
    const lake = new LocalDiskStore(lakeDir);
    const objects = await keysOf(lake, 'orders_cdc/');
    await lake.delete([objects[0] as string]); // an object lost
    expect((await eventIds(lakeDir)).size).toBeLessThan(400);

    // Cut short at once: it keeps its checkpoints, and a replay from elsewhere is refused while it is pending.
    const cut = await replayStream({
      clients: suite.clients,
      onTransformWarning: () => {},
      dataDir,
      streamName: 'replay',
      from: { position: 'TRIM_HORIZON' },
      signal: AbortSignal.abort(),
    });
    expect(cut.completed).toBe(false);
    await expect(
      replayStream({
        clients: suite.clients,
        onTransformWarning: () => {},
        dataDir,
        streamName: 'replay',
        from: { timestampMs: 0 },
        signal: new AbortController().signal,
      }),
    ).rejects.toThrow(ReplayConflictError);

    const replay = await replayStream({
      clients: suite.clients,
      onTransformWarning: () => {},
      dataDir,
      streamName: 'replay',
      from: { position: 'TRIM_HORIZON' },
      signal: new AbortController().signal,
    });
    expect(replay).toMatchObject({ completed: true, resumed: true });
    expect(replay.metrics.recordsIn).toBe(400);
    expect(await eventIds(lakeDir)).toEqual(new Set(first.ids));
    expect(readdirSync(deliveryCheckpointDir(dataDir))).not.toContain('replay'); // done: nothing to resume

    // From a time: only what arrived at or after it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const since = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = planned(100, 'replay-2');
    await putOnKinesis('replay', second.records);
    const later = await replayStream({
      clients: suite.clients,
      onTransformWarning: () => {},
      dataDir,
      streamName: 'replay',
      from: { timestampMs: since },
      signal: new AbortController().signal,
    });
    expect(later).toMatchObject({ completed: true, resumed: false });
    expect(later.metrics.recordsIn).toBe(100);
    expect(await eventIds(lakeDir)).toEqual(new Set([...first.ids, ...second.ids]));
  });
});

describe('redrive: the records under errors/ back through the transform', () => {
  it('lands what the fixed transform takes, leaves what still fails, and goes on after being cut short', async () => {
    const dataDir = join(dir.path, 'redrive');
    const lakeDir = join(dataDir, 'lake');
    await ensureKinesisStream(suite.clients.kinesis, 'redrive', 2);
    const { records, ids } = planned(300, 'redrive');
    await putOnKinesis('redrive', records);
    // A transform bug: the records of some events fail, whatever batch they come in.
    const hit = (data: string) =>
      /[03]$/.test((JSON.parse(Buffer.from(data, 'base64').toString()) as { eventID: string }).eventID);
    const buggy = async (event: FirehoseTransformationEvent) => {
      const answer = await handler(event);
      return {
        records: answer.records.map((record, i) =>
          hit(event.records[i]?.data ?? '')
            ? { recordId: record.recordId, result: 'ProcessingFailed' as const, data: '' }
            : record,
        ),
      };
    };
    const lake = new LocalDiskStore(lakeDir);
    const worker = new DeliveryWorker({ kinesis: suite.clients.kinesis }, lake, buggy, {
      kinesisStreamName: 'redrive',
      checkpointDir: join(dataDir, 'checkpoints', 'delivery'),
      pollIntervalMs: 20,
      processorBuffer: { sizeBytes: 16 * 1024, intervalMs: 100 },
      destinationBuffer: { sizeBytes: 8 * 1024, intervalMs: 100 }, // several small error objects
    });
    void worker.start();
    expect(
      await waitFor(() => worker.metrics.rowsWritten + worker.metrics.processingFailed === 300, 30_000),
    ).toBe(true);
    await worker.stop();
    const failed = worker.metrics.processingFailed;
    expect(failed).toBeGreaterThan(0);
    const errorObjects = await keysOf(lake, 'errors/');
    expect(errorObjects.length).toBeGreaterThan(2);

    // Still the buggy transform: nothing lands, every record stays where it was.
    const unchanged = await redriveErrors({ lake, transform: buggy });
    expect(unchanged).toMatchObject({ landed: 0, stillFailing: failed });
    expect(await keysOf(lake, 'errors/')).toEqual(errorObjects);

    // The fixed transform, cut short after the first object: the rest waits for the next run.
    const stop = new AbortController();
    const partial = await redriveErrors({
      lake,
      transform: handler,
      signal: stop.signal,
      onProgress: () => stop.abort(),
    });
    expect(partial.objects).toBe(1);
    expect(partial.landed).toBeGreaterThan(0);
    expect((await keysOf(lake, 'errors/')).length).toBe(errorObjects.length - 1);

    const rest = await redriveErrors({ lake, transform: handler });
    expect(rest).toMatchObject({
      objects: errorObjects.length - 1,
      landed: failed - partial.landed,
      stillFailing: 0,
    });
    expect(await keysOf(lake, 'errors/')).toEqual([]);
    expect(await eventIds(lakeDir)).toEqual(new Set(ids));
    expect(await redriveErrors({ lake, transform: handler })).toMatchObject({ objects: 0, landed: 0 });
  });
});
