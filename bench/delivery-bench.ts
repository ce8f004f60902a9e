import { join } from 'node:path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { createAwsClients } from '../src/aws/aws-clients.ts';
import { ensureKinesisStream } from '../src/aws/kinesis-stream.ts';
import { DeliveryWorker } from '../src/delivery/delivery-worker.ts';
import { quietTransform } from '../src/delivery/quiet-transform.ts';
import { LocalDiskStore } from '../src/lake/local-disk-store.ts';
import { startKinesisLocal } from '../src/local/kinesis-local.ts';
import { handler } from '../src/transform/handler.ts';
import { makeTempDir } from '../test/helpers/temp-dir.ts';
import { plannedFirehoseRecords } from './planned-records.ts';

/**
 * Drains a Kinesis backlog of N change events (default 100,000, as the pipe puts them) through the local
 * Firehose — processor buffer, the transform, dynamic partitions, objects in a lake folder — once writing
 * Parquet and once JSON lines, and prints records/s end to end, the objects written and their mean size. Default hints (1 MB / 0.5 s
 * processor, 5 MiB / 1 s destination).
 */
export async function deliveryBenchmark(args: string[]): Promise<void> {
  const count = Number(args[0] ?? 100_000);
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`record count ${args[0]} is not a positive integer`);
  const dir = makeTempDir('bench-delivery');
  const kinesalite = await startKinesisLocal({
    host: '127.0.0.1',
    port: undefined,
    storePath: join(dir.path, 'kinesis'),
    startTimeoutMs: 30_000,
  });
  const clients = createAwsClients({ endpoint: kinesalite.endpoint });

  try {
    await ensureKinesisStream(clients.kinesis, 'backlog', 2);
    const records = plannedFirehoseRecords(count, 'bench-delivery');
    let started = performance.now();
    for (let i = 0; i < records.length; i += 500) {
      const entries = records.slice(i, i + 500).map((r) => ({
        Data: Buffer.from(r.data, 'base64'),
        PartitionKey: r.kinesisRecordMetadata?.partitionKey ?? `key-${i}`,
      }));
      await clients.kinesis.send(new PutRecordsCommand({ StreamName: 'backlog', Records: entries }));
    }
    console.log(
      `delivery benchmark: ${count} change events put on kinesalite (2 shards) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    for (const format of ['PARQUET', 'JSON'] as const) {
      const lake = new LocalDiskStore(join(dir.path, `lake-${format}`));
      // The transform's per-invocation log lines go nowhere.
      const transform = quietTransform(handler, () => undefined);
      const worker = new DeliveryWorker({ kinesis: clients.kinesis }, lake, transform, {
        kinesisStreamName: 'backlog',
        checkpointDir: join(dir.path, `checkpoints-${format}`),
        format,
      });
      started = performance.now();
      const running = worker.start();
      while (worker.metrics.ok + worker.metrics.processingFailed < count)
        await new Promise((r) => setTimeout(r, 20));
      await worker.stop();
      await running;
      const seconds = (performance.now() - started) / 1000;
      const { metrics } = worker;
      const objects = metrics.objectsWritten + metrics.errorObjectsWritten;
      console.log(
        `  ${format.padEnd(7)} drained in ${seconds.toFixed(1)} s: ${Math.round(count / seconds).toLocaleString('en-US')} records/s ` +
          `end to end (${metrics.invocations} invocations, ${metrics.ok} Ok, ${metrics.processingFailed} failed); ` +
          `${objects} objects, mean ${(metrics.bytesWritten / objects / 1024 / 1024).toFixed(2)} MiB`,
      );
    }
  } finally {
    clients.destroy();
    await kinesalite.stop();
    dir.remove();
  }
}
