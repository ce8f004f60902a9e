import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plannedFirehoseRecords } from '../bench/planned-records.ts';
import { ensureKinesisStream } from '../src/aws/kinesis-stream.ts';
import { createS3Client } from '../src/aws/s3-client.ts';
import { DuckDbLake } from '../src/catalog/duckdb-lake.ts';
import { S3Store } from '../src/lake/s3-store.ts';
import { type LocalStack, startLocalStack } from '../src/local/local-stack.ts';
import { deliveryInto } from '../src/twin/local-delivery.ts';
import { waitFor } from './helpers/processes.ts';
import { s3rverSuite } from './helpers/s3rver.ts';
import { CLI, collectOutput, runCli, spawnTsx } from './helpers/spawn-tsx.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

const BUCKET = 'gadget-lake';
const s3 = s3rverSuite(BUCKET);
const dataDir = makeTempDir('delivery-to-s3');
let stack: LocalStack | undefined;

/** The stream the CLI cases deliver from `dataDir` (a data dir's delivery checkpoints are of one stream). */
const CLI_STREAM = 'cli-to-s3';

beforeAll(async () => {
  stack = await startLocalStack({ dataDir: dataDir.path });
  await streamOf(CLI_STREAM, 300);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  dataDir.remove();
});

/** A stream holding `count` real change records (as the pipe puts them), each under its order's key. */
async function streamOf(name: string, count: number) {
  const kinesis = (stack as LocalStack).clients.kinesis;
  await ensureKinesisStream(kinesis, name, 2);
  const records = plannedFirehoseRecords(count, name);
  for (let i = 0; i < records.length; i += 500) {
    const Records = records.slice(i, i + 500).map((record) => ({
      Data: Buffer.from(record.data, 'base64'),
      PartitionKey: record.kinesisRecordMetadata?.partitionKey,
    }));
    const answer = await kinesis.send(new PutRecordsCommand({ StreamName: name, Records }));
    expect(answer.FailedRecordCount ?? 0).toBe(0);
  }
}

/** The bucket's objects under `store`, copied as they are into a folder: the orders_cdc table DuckDB reads. */
async function eventsIn(store: S3Store): Promise<{ rows: bigint; events: bigint }> {
  const copy = makeTempDir('s3-copy');
  try {
    for (const { key } of await store.list('')) {
      const path = join(copy.path, ...key.split('/'));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, await store.get(key));
    }
    const table = await DuckDbLake.open(copy.path);
    try {
      const [row] = await table.rows(
        'SELECT count(*) AS rows, count(DISTINCT event_id) AS events FROM orders_cdc',
      );
      return row as { rows: bigint; events: bigint };
    } finally {
      table.close();
    }
  } finally {
    copy.remove();
  }
}

describe('the delivery into a bucket (S3Store over a real S3 API)', () => {
  it('lands every change as Parquet under the prefix, readable as orders_cdc, and checkpoints only then', async () => {
    await streamOf('to-s3', 500);
    const checkpoints = makeTempDir('worker-checkpoints');
    const lake = new S3Store({ client: s3.client, bucket: BUCKET, prefix: 'worker' });
    await lake.checkAccess();
    const settings = { pollIntervalMs: 20, onTransformWarning: () => {} };
    const clients = (stack as LocalStack).clients;
    const worker = deliveryInto(lake, clients, checkpoints.path, 'to-s3', settings);
    void worker.start();
    expect(await waitFor(() => worker.metrics.rowsWritten === 500, 30_000)).toBe(true);
    await worker.stop();

    const objects = await lake.list('');
    expect(objects.length).toBe(worker.metrics.objectsWritten);
    for (const { key } of objects)
      expect(key).toMatch(/^orders_cdc\/dt=\d{4}-\d{2}-\d{2}\/orders-cdc-1-.*\.parquet$/);
    expect(await eventsIn(lake)).toEqual({ rows: 500n, events: 500n });

    // A restart reads nothing again: the checkpoints moved past what is in the bucket.
    const again = deliveryInto(lake, clients, checkpoints.path, 'to-s3', settings);
    void again.start();
    // Both shards have been read once each has reported how far behind the tip it is.
    expect(await waitFor(() => again.metrics.shardMillisBehind.size === 2, 30_000)).toBe(true);
    await again.stop();
    expect(again.metrics.recordsIn).toBe(0);
    checkpoints.remove();
  });

  it('`gadget-cdc deliver --lake-s3` writes the lake to the bucket until Ctrl-C, then says where', async () => {
    const args = ['--stream', CLI_STREAM, '--data-dir', dataDir.path, '--buffer-interval', '0'];
    const cli = spawnTsx(CLI, [
      'deliver',
      ...args,
      '--lake-s3',
      `s3://${BUCKET}/cli`,
      '--s3-endpoint',
      s3.endpoint,
    ]);
    const output = collectOutput(cli);
    const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
    const lake = new S3Store({ client: s3.client, bucket: BUCKET, prefix: 'cli' });
    try {
      const landed = await waitFor(async () => (await eventsIn(lake)).events === 300n, 60_000);
      expect(landed, output.text().stderr).toBe(true);
    } finally {
      cli.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    const { stdout, stderr } = output.text();
    expect(stderr).toContain(`Delivery: Kinesis ${CLI_STREAM} → lake s3://${BUCKET}/cli/. Ctrl-C stops.`);
    expect(stdout).toMatch(
      new RegExp(`^Delivery stopped: 300 rows in \\d+ objects under s3://${BUCKET}/cli/ `),
    );
  });

  it('refuses a bucket that does not exist, before reading anything, in one line naming it and the fix', async () => {
    const { code, stdout, stderr } = await runCli([
      'deliver',
      ...['--stream', CLI_STREAM, '--data-dir', dataDir.path],
      ...['--lake-s3', 's3://no-such-bucket/x', '--s3-endpoint', s3.endpoint],
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe(
      'error: Bucket no-such-bucket does not exist. Create it (aws s3 mb s3://no-such-bucket) or give another bucket.',
    );
  });

  it('names the endpoint when nothing answers there', async () => {
    const client = createS3Client({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1' });
    try {
      const lake = new S3Store({ client, bucket: BUCKET });
      await expect(lake.checkAccess()).rejects.toThrow(
        /^Cannot reach S3 at http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED/,
      );
    } finally {
      client.destroy();
    }
  });
});
