import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { plannedFirehoseRecords } from '../bench/planned-records.ts';
import { ensureKinesisStream } from '../src/aws/kinesis-stream.ts';
import type { DeliveryConfigInput } from '../src/delivery/delivery-config.ts';
import { DeliveryWorker } from '../src/delivery/delivery-worker.ts';
import { compactLake } from '../src/lake/compact.ts';
import { LocalDiskStore } from '../src/lake/local-disk-store.ts';
import type { FirehoseTransformationEvent } from '../src/transform/firehose-event.ts';
import { handler } from '../src/transform/handler.ts';
import { currentOrdersBothWays } from './helpers/current-orders-both-ways.ts';
import { kinesaliteSuite } from './helpers/kinesalite-suite.ts';
import { keysOf } from './helpers/object-keys.ts';
import { waitFor } from './helpers/processes.ts';
import { collectOutput, spawnTsx } from './helpers/spawn-tsx.ts';

const suite = kinesaliteSuite('delivery');
const { dir, putOnKinesis } = suite;
const fixture = fileURLToPath(new URL('./fixtures/deliver-to-folder.ts', import.meta.url));

async function scenario(name: string, count: number, config: Partial<DeliveryConfigInput> = {}) {
  await ensureKinesisStream(suite.clients.kinesis, name, 2);
  const records = plannedFirehoseRecords(count, name).map((r) => Buffer.from(r.data, 'base64'));
  const lake = new LocalDiskStore(join(dir.path, `lake-${name}`));
  const worker = new DeliveryWorker({ kinesis: suite.clients.kinesis }, lake, handler, {
    kinesisStreamName: name,
    checkpointDir: join(dir.path, `checkpoints-${name}`),
    pollIntervalMs: 20,
    format: 'JSON',
    ...config,
  });
  return { records, lake, worker, root: join(dir.path, `lake-${name}`) };
}

async function linesUnder(root: string, files: readonly string[]) {
  const lines: string[] = [];
  for (const file of files) {
    const body = await readFile(join(root, file));
    lines.push(
      ...(file.endsWith('.gz') ? gunzipSync(body) : body).toString('utf8').split('\n').filter(Boolean),
    );
  }
  return lines;
}

describe('the delivery worker (local Firehose) over kinesalite', () => {
  it('lands every change as one orders_cdc row in its dt partition, objects named as Firehose names them', async () => {
    const s = await scenario('clean', 1_000);
    await putOnKinesis('clean', s.records);
    void s.worker.start();
    expect(await waitFor(() => s.worker.metrics.ok === 1_000, 30_000)).toBe(true);
    await s.worker.stop();

    const files = await keysOf(s.lake);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(file).toMatch(
        /^orders_cdc\/dt=\d{4}-\d{2}-\d{2}\/orders-cdc-1-\d{4}(-\d{2}){5}-[0-9a-f-]{36}\.json$/,
      );
    }
    const rows = (await linesUnder(s.root, files)).map((line) => JSON.parse(line));
    expect(rows).toHaveLength(1_000);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(1_000);
    for (const [i, file] of files.entries()) {
      const dt = /dt=([\d-]+)/.exec(file)?.[1];
      for (const line of await linesUnder(s.root, [file]))
        expect(JSON.parse(line).creation_datetime.slice(0, 10)).toBe(dt);
      expect(i).toBeGreaterThanOrEqual(0);
    }
    expect(s.worker.metrics).toMatchObject({ recordsIn: 1_000, ok: 1_000, dropped: 0, processingFailed: 0 });
  });

  it('sends bad records to the error prefix in Firehose’s envelope with their raw bytes, and counts them', async () => {
    const s = await scenario('errors', 20);
    const bad = [Buffer.from('not json'), Buffer.from('{"eventName":"INSERT"}')];
    await putOnKinesis('errors', [...s.records.slice(0, 10), ...bad, ...s.records.slice(10)]);
    void s.worker.start();
    expect(await waitFor(() => s.worker.metrics.ok + s.worker.metrics.processingFailed === 22, 30_000)).toBe(
      true,
    );
    await s.worker.stop();

    const errorFiles = (await keysOf(s.lake)).filter((f) => f.startsWith('errors/'));
    expect(errorFiles.length).toBeGreaterThan(0);
    for (const file of errorFiles)
      expect(file).toMatch(/^errors\/processing-failed\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/orders-cdc-1-/);
    const envelopes = (await linesUnder(s.root, errorFiles)).map((line) => JSON.parse(line));
    expect(envelopes.map((e) => Buffer.from(e.rawData, 'base64').toString()).sort()).toEqual(
      bad.map((b) => b.toString()).sort(),
    );
    for (const envelope of envelopes) {
      expect(envelope).toMatchObject({ errorCode: 'Lambda.ProcessingFailedStatus', attemptsMade: 1 });
      expect(typeof envelope.arrivalTimestamp).toBe('number');
    }
    expect(s.worker.metrics).toMatchObject({ recordsIn: 22, ok: 20, processingFailed: 2 });
  });

  it('holds rows until a buffering hint is met: the size hint cuts objects, the interval hint flushes the rest', async () => {
    const s = await scenario('hints', 300, {
      destinationBuffer: { sizeBytes: 64 * 1024, intervalMs: 60_000 },
      processorBuffer: { sizeBytes: 1024 * 1024, intervalMs: 100 },
    });
    await putOnKinesis('hints', s.records);
    void s.worker.start();
    expect(await waitFor(() => s.worker.metrics.ok === 300, 30_000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const beforeStop = await keysOf(s.lake);
    expect(beforeStop.length).toBeGreaterThan(0);
    // Size-cut objects hold at least the hint; the remainder waits for the 60 s interval (or the stop).
    for (const file of beforeStop)
      expect((await readFile(join(s.root, file))).byteLength).toBeGreaterThanOrEqual(64 * 1024);
    const rowsBefore = (await linesUnder(s.root, beforeStop)).length;
    expect(rowsBefore).toBeLessThan(300);
    await s.worker.stop();
    expect((await linesUnder(s.root, await keysOf(s.lake))).length).toBe(300);
  });

  it('flushes a partition once its oldest row has waited the interval hint, without a stop', async () => {
    const s = await scenario('interval', 50, {
      destinationBuffer: { sizeBytes: 64 * 1024 * 1024, intervalMs: 1_500 },
      processorBuffer: { sizeBytes: 1024 * 1024, intervalMs: 50 },
    });
    await putOnKinesis('interval', s.records);
    void s.worker.start();
    expect(await waitFor(() => s.worker.metrics.ok === 50, 30_000)).toBe(true);
    expect((await keysOf(s.lake)).length).toBe(0); // far below the size hint: held
    expect(await waitFor(async () => (await keysOf(s.lake)).length > 0, 5_000)).toBe(true);
    expect((await linesUnder(s.root, await keysOf(s.lake))).length).toBe(50);
    await s.worker.stop();
  });

  it('resumes from its checkpoints after a stop without delivering anything twice, GZIP when asked', async () => {
    const s = await scenario('resume', 400, { compression: 'GZIP' });
    await putOnKinesis('resume', s.records.slice(0, 200));
    void s.worker.start();
    expect(await waitFor(() => s.worker.metrics.ok === 200, 30_000)).toBe(true);
    await s.worker.stop();
    await putOnKinesis('resume', s.records.slice(200));
    const again = new DeliveryWorker({ kinesis: suite.clients.kinesis }, s.lake, handler, {
      kinesisStreamName: 'resume',
      checkpointDir: join(dir.path, 'checkpoints-resume'),
      pollIntervalMs: 20,
      format: 'JSON',
      compression: 'GZIP',
    });
    void again.start();
    expect(await waitFor(() => again.metrics.ok === 200, 30_000)).toBe(true);
    await again.stop();
    const files = await keysOf(s.lake);
    expect(files.every((f) => f.endsWith('.json.gz'))).toBe(true);
    const ids = (await linesUnder(s.root, files)).map((line) => JSON.parse(line).event_id);
    expect(ids).toHaveLength(400);
    expect(new Set(ids).size).toBe(400);
  });

  it('loses nothing when SIGKILLed mid-delivery: the restart re-reads from the checkpoints (duplicates counted)', async () => {
    const s = await scenario('sigkill', 3_000);
    await putOnKinesis('sigkill', s.records);
    const checkpointDir = join(dir.path, 'checkpoints-sigkill');
    const child = spawnTsx(fixture, [suite.kinesalite.endpoint, 'sigkill', s.root, checkpointDir]);
    const output = collectOutput(child);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    expect(await waitFor(async () => (await keysOf(s.lake)).length >= 5, 30_000), output.text().stderr).toBe(
      true,
    );
    child.kill('SIGKILL');
    await exited;
    const rowsBefore = (await linesUnder(s.root, await keysOf(s.lake))).length;
    expect(rowsBefore).toBeLessThan(3_000); // killed mid-run

    const again = new DeliveryWorker({ kinesis: suite.clients.kinesis }, s.lake, handler, {
      kinesisStreamName: 'sigkill',
      checkpointDir,
      pollIntervalMs: 20,
      format: 'JSON',
      destinationBuffer: { sizeBytes: 16 * 1024, intervalMs: 200 },
    });
    void again.start();
    expect(
      await waitFor(async () => {
        const ids = new Set(
          (await linesUnder(s.root, await keysOf(s.lake))).map((l) => JSON.parse(l).event_id),
        );
        return ids.size === 3_000;
      }, 30_000),
    ).toBe(true);
    await again.stop();
    const ids = (await linesUnder(s.root, await keysOf(s.lake))).map((line) => JSON.parse(line).event_id);
    const duplicated = ids.length - new Set(ids).size;
    // Only records read after the last checkpoint can come twice: at most what was in flight at the kill.
    expect(duplicated).toBeLessThanOrEqual(again.metrics.recordsIn);
    expect(again.metrics.recordsIn).toBe(3_000 - rowsBefore + duplicated);
  });

  it('writes Parquet (the default format): one file per flush, every row readable by DuckDB with the table’s types', async () => {
    const s = await scenario('parquet', 1_000, { format: 'PARQUET' });
    await putOnKinesis('parquet', s.records);
    void s.worker.start();
    expect(await waitFor(() => s.worker.metrics.ok === 1_000, 30_000)).toBe(true);
    await s.worker.stop();
    const files = await keysOf(s.lake, 'orders_cdc/');
    expect(files.length).toBeGreaterThan(0);
    for (const file of files)
      expect(file).toMatch(/^orders_cdc\/dt=[\d-]+\/orders-cdc-1-[\d-]+-[0-9a-f-]{36}\.parquet$/);
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const [row] = (
      await connection.runAndReadAll(
        `SELECT count(*) AS n, count(DISTINCT event_id) AS ids, any_value(typeof(price)) AS price_type FROM read_parquet('${s.root}/orders_cdc/*/*.parquet')`,
      )
    ).getRowObjects();
    connection.closeSync();
    db.closeSync();
    expect(row).toEqual({ n: 1_000n, ids: 1_000n, price_type: 'DECIMAL(12,2)' });
  });

  it('keeps every row exactly once when the lake is compacted again and again while the delivery writes', async () => {
    const s = await scenario('compact', 3_000, {
      format: 'PARQUET',
      destinationBuffer: { sizeBytes: 32 * 1024, intervalMs: 100 },
      processorBuffer: { sizeBytes: 16 * 1024, intervalMs: 50 },
    });
    void s.worker.start();
    let compactions = 0;
    for (let i = 0; i < 6; i++) {
      await putOnKinesis('compact', s.records.slice(i * 500, (i + 1) * 500));
      // Halfway through this batch: objects to merge are there, and the delivery is still writing more.
      expect(await waitFor(() => s.worker.metrics.ok >= i * 500 + 250, 30_000)).toBe(true);
      compactions += (await compactLake(s.lake)).partitions.length;
    }
    expect(await waitFor(() => s.worker.metrics.ok === 3_000, 30_000), JSON.stringify(s.worker.metrics)).toBe(
      true,
    );
    await s.worker.stop();
    await compactLake(s.lake);
    expect(compactions).toBeGreaterThan(0);
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const [row] = (
      await connection.runAndReadAll(
        `SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM read_parquet('${s.root}/orders_cdc/*/*.parquet')`,
      )
    ).getRowObjects();
    connection.closeSync();
    db.closeSync();
    expect(row).toEqual({ n: 3_000n, ids: 3_000n });
    expect((await keysOf(s.lake, 'orders_cdc/')).length).toBe(1);
    // The current state the compactions kept while the delivery wrote is the whole history's.
    const { maintained, fromHistory } = await currentOrdersBothWays(s.root);
    expect(maintained).toEqual(fromHistory);
  });

  it.each([
    'before-write:3',
    'after-write:3',
    'before-checkpoint:2',
    'after-checkpoint:2',
  ])('loses nothing when it dies at %s (the n-th object write or checkpoint save), then restarts', async (crashPoint) => {
    const name = `crash-${crashPoint.replace(':', '-')}`;
    const s = await scenario(name, 1_500);
    await putOnKinesis(name, s.records);
    const checkpointDir = join(dir.path, `checkpoints-${name}`);
    const child = spawnTsx(fixture, [suite.kinesalite.endpoint, name, s.root, checkpointDir, crashPoint]);
    const output = collectOutput(child);
    const signal = await new Promise((resolve) => child.once('exit', (_code, killed) => resolve(killed)));
    expect(signal, output.text().stderr).toBe('SIGKILL');
    if (crashPoint.endsWith('write:3')) {
      // Died at its third object: the rows of at most two objects are in the lake.
      expect((await linesUnder(s.root, await keysOf(s.lake))).length).toBeLessThan(1_500);
    }

    const again = new DeliveryWorker({ kinesis: suite.clients.kinesis }, s.lake, handler, {
      kinesisStreamName: name,
      checkpointDir,
      pollIntervalMs: 20,
      format: 'JSON',
    });
    void again.start();
    const eventIds = async () =>
      (await linesUnder(s.root, await keysOf(s.lake))).map((line) => JSON.parse(line).event_id);
    expect(await waitFor(async () => new Set(await eventIds()).size === 1_500, 30_000)).toBe(true);
    await again.stop();
    const ids = await eventIds();
    expect(new Set(ids).size).toBe(1_500); // nothing lost
    expect(ids.length - 1_500).toBeLessThanOrEqual(again.metrics.recordsIn); // duplicates only from the re-read
  });

  it('draws !{firehose:random-string} once per object, not per record', async () => {
    const s = await scenario('random', 200, { prefix: 'by-object/!{firehose:random-string}/' });
    await putOnKinesis('random', s.records);
    void s.worker.start();
    expect(await waitFor(() => s.worker.metrics.ok === 200, 30_000)).toBe(true);
    await s.worker.stop();
    const files = await keysOf(s.lake, 'by-object/');
    expect(files.length).toBe(s.worker.metrics.objectsWritten);
    expect(files.length).toBeLessThan(10);
    for (const file of files) expect(file).toMatch(/^by-object\/[a-z0-9]{11}\/orders-cdc-1-/);
    expect(new Set(files.map((f) => f.split('/')[1])).size).toBe(files.length);
    expect((await linesUnder(s.root, files)).length).toBe(200);
  });

  it('calls the transform with about the processor buffer’s size hint of records', async () => {
    const sizes: number[] = [];
    await ensureKinesisStream(suite.clients.kinesis, 'processor', 1);
    const records = plannedFirehoseRecords(400, 'processor').map((r) => Buffer.from(r.data, 'base64'));
    await putOnKinesis('processor', records);
    const lake = new LocalDiskStore(join(dir.path, 'lake-processor'));
    const worker = new DeliveryWorker(
      { kinesis: suite.clients.kinesis },
      lake,
      async (event) => {
        sizes.push(event.records.reduce((sum, r) => sum + Buffer.byteLength(r.data, 'base64'), 0));
        return handler(event);
      },
      {
        kinesisStreamName: 'processor',
        checkpointDir: join(dir.path, 'checkpoints-processor'),
        format: 'JSON',
        processorBuffer: { sizeBytes: 32 * 1024, intervalMs: 60_000 },
      },
    );
    void worker.start();
    const total = records.reduce((sum, r) => sum + r.byteLength, 0);
    const largest = Math.max(...records.map((r) => r.byteLength));
    const invoked = () => sizes.reduce((sum, size) => sum + size, 0);
    // Everything but a remainder under the hint goes out in size-cut batches; the remainder waits for 60 s.
    expect(await waitFor(() => invoked() > total - 32 * 1024, 30_000)).toBe(true);
    expect(sizes.length).toBeGreaterThanOrEqual(Math.floor(total / (32 * 1024 + largest)));
    for (const size of sizes) {
      expect(size).toBeGreaterThanOrEqual(32 * 1024);
      expect(size).toBeLessThan(32 * 1024 + largest);
    }
    await worker.stop();
    expect(worker.metrics.ok).toBe(400); // the stop delivers what the interval still held
  });

  // Defence in depth: the transform emits only rows that fit the table, but should a row ever not fit (a
  // transform bug), Parquet conversion fails that row alone, as Firehose's does, and the delivery goes on.
  it('sends a row the Parquet conversion rejects to errors/format-conversion-failed/ with the reason; the rest land', async () => {
    const s = await scenario('conversion', 200, { format: 'PARQUET' });
    await putOnKinesis('conversion', s.records);
    let poisoned = 0;
    const buggyTransform = async (event: FirehoseTransformationEvent) => {
      const answer = await handler(event);
      const records = answer.records.map((record, i) => {
        if (i % 50 !== 7) return record;
        poisoned++;
        const row = Buffer.from(record.data, 'base64')
          .toString()
          .replace(/"price":[^,]*/, '"price":12345678901');
        return { ...record, data: Buffer.from(row).toString('base64') };
      });
      return { records };
    };
    const worker = new DeliveryWorker({ kinesis: suite.clients.kinesis }, s.lake, buggyTransform, {
      kinesisStreamName: 'conversion',
      checkpointDir: join(dir.path, 'checkpoints-conversion'),
      pollIntervalMs: 20,
      format: 'PARQUET',
    });
    void worker.start();
    expect(
      await waitFor(() => worker.metrics.ok === 200 && worker.metrics.bufferedRecords === 0, 30_000),
    ).toBe(true);
    await worker.stop();
    expect(poisoned).toBeGreaterThan(0);
    expect(worker.metrics).toMatchObject({
      ok: 200,
      formatConversionFailed: poisoned,
      rowsWritten: 200 - poisoned,
    });

    const errorFiles = await keysOf(s.lake, 'errors/');
    for (const file of errorFiles)
      expect(file).toMatch(/^errors\/format-conversion-failed\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/orders-cdc-1-/);
    const envelopes = (await linesUnder(s.root, errorFiles)).map((line) => JSON.parse(line));
    expect(envelopes).toHaveLength(poisoned);
    for (const envelope of envelopes) {
      expect(envelope).toMatchObject({
        ErrorCode: 'DataFormatConversion.MalformedData',
        ErrorMessage: expect.stringContaining('12345678901'),
        sequenceNumber: expect.stringMatching(/^\d+$/),
      });
      expect(envelope.ErrorMessage).not.toContain('/tmp');
      expect(Buffer.from(envelope.rawData, 'base64').toString()).toContain('"price":12345678901');
    }
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const [row] = (
      await connection.runAndReadAll(
        `SELECT count(DISTINCT event_id) AS ids FROM read_parquet('${s.root}/orders_cdc/*/*.parquet')`,
      )
    ).getRowObjects();
    connection.closeSync();
    db.closeSync();
    expect(row?.ids).toBe(BigInt(200 - poisoned));
    // Every record is in the lake or under errors/: the checkpoints passed them all.
    const again = new DeliveryWorker({ kinesis: suite.clients.kinesis }, s.lake, handler, {
      kinesisStreamName: 'conversion',
      checkpointDir: join(dir.path, 'checkpoints-conversion'),
      pollIntervalMs: 20,
    });
    void again.start();
    // Once it has read every shard from its checkpoint, anything it had not delivered would show as read.
    expect(await waitFor(() => again.metrics.shardMillisBehind.size === 2, 30_000)).toBe(true);
    await again.stop();
    expect(again.metrics.recordsIn).toBe(0);
  });

  it('retries an object it cannot write, checkpoints nothing past it, and goes on once the lake can be written', async () => {
    const s = await scenario('blocked', 300, { format: 'PARQUET' });
    await putOnKinesis('blocked', s.records);
    // A file where the lake's orders_cdc/ folder must go: every data object's write fails (ENOTDIR).
    await mkdir(s.root, { recursive: true });
    await writeFile(join(s.root, 'orders_cdc'), 'not a folder');
    void s.worker.start();
    expect(await waitFor(() => s.worker.metrics.writeRetries >= 2, 30_000)).toBe(true);
    expect(s.worker.metrics.lastWriteError).toMatch(/orders_cdc/);
    expect(s.worker.metrics.rowsWritten).toBe(0);
    // Stopping while the lake stays unwritable: the stop ends, nothing is checkpointed, nothing thrown.
    await s.worker.stop();
    expect(s.worker.metrics.unwrittenAtStop).toBe(300);
    const checkpoints = join(dir.path, 'checkpoints-blocked');
    const again = () =>
      new DeliveryWorker({ kinesis: suite.clients.kinesis }, s.lake, handler, {
        kinesisStreamName: 'blocked',
        checkpointDir: checkpoints,
        pollIntervalMs: 20,
      });
    const second = again();
    void second.start();
    expect(
      await waitFor(() => second.metrics.recordsIn === 300 && second.metrics.writeRetries >= 1, 30_000),
    ).toBe(true);
    await rm(join(s.root, 'orders_cdc'));
    expect(await waitFor(() => second.metrics.rowsWritten === 300, 30_000)).toBe(true);
    expect(second.metrics.lastWriteError).toBeUndefined();
    await second.stop();
    const third = again();
    void third.start();
    expect(await waitFor(() => third.metrics.shardMillisBehind.size === 2, 30_000)).toBe(true);
    await third.stop();
    expect(third.metrics.recordsIn).toBe(0);
  });
});
