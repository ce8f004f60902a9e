import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { PutRecordsCommand, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { ensureKinesisStream } from '../src/aws/kinesis-stream.ts';
import { ensureOrdersTable } from '../src/aws/orders-table.ts';
import { generateOrders } from '../src/generator/generate-orders.ts';
import { totalWritten } from '../src/generator/write-stats.ts';
import { type LocalStack, startLocalStack } from '../src/local/local-stack.ts';
import { percentile } from '../src/observe/change-freshness.ts';
import { type PipeClients, PipeWorker } from '../src/pipe/pipe-worker.ts';
import { toPipesRecord } from '../src/pipe/pipes-record.ts';
import { readStream } from '../test/helpers/dynamodb-stream.ts';
import { makeTempDir } from '../test/helpers/temp-dir.ts';

const LIVE_SECONDS = 30;
const LIVE_RATE = 500;

/**
 * Two figures for the local pipe, over DynamoDB Local on disk and kinesalite:
 * 1. drain: records/s from a backlog of N stream records (default 100,000) to Kinesis, with BatchSize 100
 *    (the default) and 500;
 * 2. latency: at a steady 500 changes/s for 30 s, the time from a change's write (its `updated_at`, ms
 *    precision) to its PutRecords acknowledgement, p50/p99.
 */
export async function pipeBenchmark(args: string[]): Promise<void> {
  const count = Number(args[0] ?? 100_000);
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`record count ${args[0]} is not a positive integer`);
  console.log('pipe benchmark: DynamoDB Local on disk, kinesalite, 2 Kinesis shards, all on this machine');
  await withStack(async (stack, dataDir) => {
    const { streamArn } = await ensureOrdersTable(stack.clients.dynamodb, 'Orders_backlog');
    const started = performance.now();
    const backlog = await generateOrders(
      {
        tableName: 'Orders_backlog',
        count,
        seed: 'bench-pipe',
        writeMode: 'batch',
        concurrency: 4,
        ratePerSecond: 'max',
      },
      {
        dynamodb: stack.clients.dynamodb,
        onProgress: ({ stats }) => {
          const written = totalWritten(stats);
          if (written % 1_000 === 0) process.stderr.write(`\r  writing the backlog: ${written}/${count}`);
        },
      },
    );
    if (backlog.error) throw backlog.error;
    process.stderr.write('\n');
    console.log(
      `  backlog: ${count} changes written in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
    for (const batchSize of [100, 500]) {
      const rate = await drain(stack, streamArn, count, batchSize, `${dataDir}/checkpoints-${batchSize}`);
      console.log(`  drain, BatchSize ${String(batchSize).padEnd(3)}: ${format(rate)} records/s`);
    }
    await yardsticks(stack, streamArn, count);
  });
  // A fresh stack: DynamoDB Local slows down with every stream-enabled table it holds.
  await withStack((stack, dataDir) => liveLatency(stack, dataDir));
}

async function withStack(run: (stack: LocalStack, dataDir: string) => Promise<void>): Promise<void> {
  const dataDir = makeTempDir('bench-pipe');
  const stack = await startLocalStack({ dataDir: dataDir.path });
  try {
    await run(stack, dataDir.path);
  } finally {
    await stack.stop();
    dataDir.remove();
  }
}

const format = (rate: number) => Math.round(rate).toLocaleString('en-US');

/** What each server does alone, for scale: the pipe can go no faster than the slower of the two. */
async function yardsticks(stack: LocalStack, streamArn: string, count: number) {
  let started = performance.now();
  const read = await readStream(stack.clients.streams, streamArn, count, 600_000);
  const readRate = read.length / ((performance.now() - started) / 1000);
  await ensureKinesisStream(stack.clients.kinesis, 'yardstick', 2);
  const data = Buffer.from(JSON.stringify(toPipesRecord(read[0] as _Record, streamArn)));
  const calls = Math.ceil(Math.min(count, 20_000) / 500);
  started = performance.now();
  for (let call = 0; call < calls; call++) {
    const records = Array.from({ length: 500 }, (_, i) => ({ Data: data, PartitionKey: `key-${call}-${i}` }));
    await stack.clients.kinesis.send(new PutRecordsCommand({ StreamName: 'yardstick', Records: records }));
  }
  const putRate = (calls * 500) / ((performance.now() - started) / 1000);
  console.log(
    `  for scale, alone: GetRecords ${format(readRate)} records/s, PutRecords×500 ${format(putRate)} records/s`,
  );
}

async function drain(
  stack: LocalStack,
  streamArn: string,
  count: number,
  batchSize: number,
  checkpointDir: string,
) {
  const kinesisStreamName = `backlog-${batchSize}`;
  await ensureKinesisStream(stack.clients.kinesis, kinesisStreamName, 2);
  const worker = new PipeWorker(
    { streams: stack.clients.streams, kinesis: stack.clients.kinesis },
    { streamArn, kinesisStreamName, checkpointDir, batchSize },
  );
  const started = performance.now();
  const running = worker.start();
  while (worker.metrics.recordsPut < count) await new Promise((resolve) => setTimeout(resolve, 20));
  const seconds = (performance.now() - started) / 1000;
  await worker.stop();
  await running;
  return count / seconds;
}

async function liveLatency(stack: LocalStack, dataDir: string) {
  const { streamArn } = await ensureOrdersTable(stack.clients.dynamodb, 'Orders_live');
  await ensureKinesisStream(stack.clients.kinesis, 'live', 2);
  const latencies: number[] = [];
  const kinesis: PipeClients['kinesis'] = {
    send: (async (command: PutRecordsCommand, options?: object) => {
      const answer = (await stack.clients.kinesis.send(command, options)) as PutRecordsCommandOutput;
      const now = Date.now();
      command.input.Records?.forEach((entry, i) => {
        if (answer.Records?.[i]?.ErrorCode) return;
        const record = JSON.parse(Buffer.from(entry.Data as Uint8Array).toString('utf8'));
        const updatedAt = record.dynamodb?.NewImage?.updated_at?.S;
        if (updatedAt) latencies.push(now - Date.parse(updatedAt));
      });
      return answer;
    }) as PipeClients['kinesis']['send'],
  };
  const worker = new PipeWorker(
    { streams: stack.clients.streams, kinesis },
    { streamArn, kinesisStreamName: 'live', checkpointDir: `${dataDir}/checkpoints-live` },
  );
  const running = worker.start();
  const live = await generateOrders(
    {
      tableName: 'Orders_live',
      count: LIVE_SECONDS * LIVE_RATE,
      seed: 'bench-live',
      ratePerSecond: LIVE_RATE,
    },
    { dynamodb: stack.clients.dynamodb },
  );
  if (live.error) throw live.error;
  while (worker.metrics.recordsPut < LIVE_SECONDS * LIVE_RATE)
    await new Promise((resolve) => setTimeout(resolve, 20));
  await worker.stop();
  await running;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => percentile(latencies, q) ?? 0;
  console.log(
    `  live at ${LIVE_RATE}/s asked, ${live.achievedRate.toFixed(0)}/s achieved for ${(live.elapsedMs / 1000).toFixed(0)} s: ` +
      `write → on Kinesis p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${latencies.at(-1)} ms (${latencies.length} INSERT/MODIFY)`,
  );
}
