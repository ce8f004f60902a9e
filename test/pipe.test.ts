import { GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../src/aws/aws-clients.ts';
import { ensureKinesisStream } from '../src/aws/kinesis-stream.ts';
import { ensureOrdersTable } from '../src/aws/orders-table.ts';
import { generateOrders } from '../src/generator/generate-orders.ts';
import { type LocalStack, startLocalStack } from '../src/local/local-stack.ts';
import { EVENT_ID_PATH } from '../src/pipe/partition-key.ts';
import { PipeWorker } from '../src/pipe/pipe-worker.ts';
import { readStream } from './helpers/dynamodb-stream.ts';
import { injectKinesisPutFaults } from './helpers/fault-injection.ts';
import {
  type KinesisRecordSeen,
  readKinesisStream,
  waitForKinesisRecords,
} from './helpers/kinesis-records.ts';
import { waitFor } from './helpers/processes.ts';
import { CLI, collectOutput, spawnTsx } from './helpers/spawn-tsx.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

const dataDir = makeTempDir('pipe');
let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ dataDir: dataDir.path });
});
afterAll(async () => {
  await stack?.stop();
  dataDir.remove();
});

const compareSequence = (a: string, b: string) =>
  a.length !== b.length ? a.length - b.length : a < b ? -1 : 1;

/** A table with `count` changes written, its stream ARN, and a fresh Kinesis stream. */
async function scenario(name: string, count: number, shards = 2) {
  const { streamArn } = await ensureOrdersTable(stack.clients.dynamodb, `Orders_${name}`);
  await ensureKinesisStream(stack.clients.kinesis, `stream-${name}`, shards);
  const run = await generateOrders(
    { tableName: `Orders_${name}`, count, seed: name, writeMode: 'batch', ratePerSecond: 'max' },
    { dynamodb: stack.clients.dynamodb },
  );
  expect(run.error).toBeUndefined();
  const source = await readStream(stack.clients.streams, streamArn, count);
  expect(source).toHaveLength(count);
  return {
    streamArn,
    kinesisStreamName: `stream-${name}`,
    source,
    checkpointDir: `${dataDir.path}/checkpoints-${name}`,
  };
}

function pipe(config: ConstructorParameters<typeof PipeWorker>[1]) {
  return new PipeWorker(
    { streams: stack.clients.streams, kinesis: stack.clients.kinesis },
    { shardRefreshMs: 200, ...config },
  );
}

/** Each order's records, in the order Kinesis holds them, must carry rising source sequence numbers. */
function expectOrderPerKey(seen: readonly KinesisRecordSeen[]) {
  const byKey = new Map<string, KinesisRecordSeen[]>();
  for (const record of seen)
    byKey.set(record.partitionKey, [...(byKey.get(record.partitionKey) ?? []), record]);
  for (const records of byKey.values()) {
    expect(new Set(records.map((r) => r.shardId)).size).toBe(1);
    const sequence = records.map((r) => r.json.dynamodb.SequenceNumber as string);
    expect([...sequence].sort(compareSequence)).toEqual(sequence);
  }
}

describe('the pipe against DynamoDB Local and kinesalite', () => {
  it('puts every change on Kinesis exactly once, in Pipes’ shape, keyed and ordered by order', async () => {
    const s = await scenario('clean', 400);
    const worker = pipe(s);
    void worker.start();
    const seen = await waitForKinesisRecords(stack.clients.kinesis, s.kinesisStreamName, 400);
    await worker.stop();

    expect(seen.map((r) => r.json.eventID).sort()).toEqual(s.source.map((r) => r.eventID).sort());
    for (const record of seen) {
      expect(record.partitionKey).toBe((record.json.dynamodb.Keys as { orderid: { S: string } }).orderid.S);
      expect(record.json).toMatchObject({ eventSource: 'aws:dynamodb', eventSourceARN: s.streamArn });
      expect(Number.isInteger(record.json.dynamodb.ApproximateCreationDateTime)).toBe(true);
    }
    expect(new Set(seen.map((r) => r.shardId)).size).toBe(2); // keys spread over both shards
    expectOrderPerKey(seen);
    expect(worker.metrics).toMatchObject({ recordsRead: 400, recordsPut: 400, replayed: 0, gaps: 0 });
  });

  it('resumes after a stop from its checkpoints: nothing lost, nothing twice', async () => {
    const s = await scenario('resume', 300);
    const first = pipe({ ...s, batchSize: 50 });
    void first.start();
    await waitForKinesisRecords(stack.clients.kinesis, s.kinesisStreamName, 100);
    await first.stop();
    const afterFirst = (await readKinesisStream(stack.clients.kinesis, s.kinesisStreamName)).length;

    const more = await generateOrders(
      { tableName: 'Orders_resume', count: 100, seed: 'resume-2', writeMode: 'batch', ratePerSecond: 'max' },
      { dynamodb: stack.clients.dynamodb },
    );
    expect(more.error).toBeUndefined();
    const second = pipe({ ...s, batchSize: 50 });
    void second.start();
    const seen = await waitForKinesisRecords(stack.clients.kinesis, s.kinesisStreamName, 400);
    await second.stop();

    expect(afterFirst).toBeGreaterThanOrEqual(100);
    expect(seen).toHaveLength(400);
    expect(new Set(seen.map((r) => r.json.eventID)).size).toBe(400);
    expect(second.metrics.recordsPut).toBe(400 - afterFirst);
    expectOrderPerKey(seen);
  });

  it('keys by eventID when asked (the original tutorial’s choice)', async () => {
    const s = await scenario('event-id', 50);
    const worker = pipe({ ...s, partitionKeyPath: EVENT_ID_PATH });
    void worker.start();
    const seen = await waitForKinesisRecords(stack.clients.kinesis, s.kinesisStreamName, 50);
    await worker.stop();
    expect(seen).toHaveLength(50);
    for (const record of seen) expect(record.partitionKey).toBe(record.json.eventID);
  });

  it('with LATEST skips what was written before its first start, and reads everything after', async () => {
    const s = await scenario('latest', 30);
    // Note which shards have read with their first (LATEST) iterator: from then on, new writes must arrive.
    const acquired = new Map<string, string>();
    const polled = new Set<string>();
    const streams = {
      send: async (command: { input: { ShardId?: string; ShardIterator?: string } }, options?: object) => {
        const answer = (await stack.clients.streams.send(command as never, options)) as {
          ShardIterator?: string;
        };
        if (command instanceof GetShardIteratorCommand && answer.ShardIterator) {
          acquired.set(answer.ShardIterator, command.input.ShardId as string);
        }
        const shard = acquired.get(command.input.ShardIterator ?? '');
        if (command instanceof GetRecordsCommand && shard) polled.add(shard);
        return answer;
      },
    } as unknown as typeof stack.clients.streams;
    const worker = new PipeWorker(
      { streams, kinesis: stack.clients.kinesis },
      { shardRefreshMs: 200, ...s, startingPosition: 'LATEST' },
    );
    void worker.start();
    expect(await waitFor(() => polled.size > 0 && polled.size === worker.metrics.shards.size, 10_000)).toBe(
      true,
    );
    const more = await generateOrders(
      { tableName: 'Orders_latest', count: 20, seed: 'latest-2', writeMode: 'batch', ratePerSecond: 'max' },
      { dynamodb: stack.clients.dynamodb },
    );
    expect(more.error).toBeUndefined();
    const seen = await waitForKinesisRecords(stack.clients.kinesis, s.kinesisStreamName, 20);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await worker.stop();
    const before = new Set(s.source.map((r) => r.eventID));
    expect(seen).toHaveLength(20);
    expect(seen.filter((r) => before.has(r.json.eventID))).toEqual([]);
  });

  it('loses nothing and keeps each order’s order when Kinesis fails 30% of entries and throttles calls', async () => {
    const s = await scenario('faults', 600);
    const kinesis = createAwsClients(
      { endpoint: stack.dynamodbEndpoint },
      { endpoint: stack.kinesisEndpoint },
    );
    const faults = injectKinesisPutFaults(kinesis.kinesis, {
      failedEntryShare: 0.3,
      throttleShare: 0.1,
      seed: 'pipe',
    });
    const worker = new PipeWorker(
      { streams: stack.clients.streams, kinesis: kinesis.kinesis },
      { ...s, batchSize: 200, backoff: { baseDelayMs: 1, maxDelayMs: 20 } },
    );
    try {
      void worker.start();
      expect(await waitFor(() => worker.metrics.recordsPut === 600, 60_000)).toBe(true);
      await worker.stop();
    } finally {
      kinesis.destroy();
    }
    const seen = await readKinesisStream(stack.clients.kinesis, s.kinesisStreamName);
    expect(faults.failedEntries).toBeGreaterThan(100);
    expect(faults.throttledCalls).toBeGreaterThan(0);
    expect(worker.metrics.put.entriesRetried).toBe(faults.failedEntries);
    expect(worker.metrics.put.callsRetried).toBe(faults.throttledCalls);
    // Only failed entries are sent again, and no key repeats within a call: no duplicate, order kept.
    expect(seen.map((r) => r.json.eventID).sort()).toEqual(s.source.map((r) => r.eventID).sort());
    expectOrderPerKey(seen);
  });

  it('loses nothing when SIGKILLed mid-batch: the restart resends from the checkpoint and counts the replays', async () => {
    const s = await scenario('sigkill', 2_000);
    const args = [
      'pipe',
      '--data-dir',
      dataDir.path,
      '--table',
      'Orders_sigkill',
      '--stream',
      s.kinesisStreamName,
    ];
    const child = spawnTsx(CLI, [...args, '--batch-size', '5', '--checkpoint-dir', s.checkpointDir]);
    const output = collectOutput(child);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const halfway = await waitFor(
      async () => (await readKinesisStream(stack.clients.kinesis, s.kinesisStreamName)).length >= 600,
      60_000,
    );
    expect(halfway, output.text().stderr).toBe(true);
    child.kill('SIGKILL');
    await exited;
    const beforeRestart = (await readKinesisStream(stack.clients.kinesis, s.kinesisStreamName)).length;
    expect(beforeRestart).toBeLessThan(2_000); // killed mid-run, not after it

    const worker = pipe({ ...s, batchSize: 5 });
    void worker.start();
    expect(
      await waitFor(() => worker.metrics.recordsRead > 0 && worker.metrics.millisBehind === 0, 60_000),
    ).toBe(true);
    const seen = await waitForKinesisRecords(stack.clients.kinesis, s.kinesisStreamName, 2_000);
    await worker.stop();

    const ids = seen.map((r) => r.json.eventID);
    const unique = new Set(ids);
    const lost = s.source.filter((r) => !unique.has(r.eventID as string)).length;
    const duplicated = ids.length - unique.size;
    expect({
      lost,
      unexpected: [...unique].filter((id) => !s.source.some((r) => r.eventID === id)).length,
    }).toEqual({
      lost: 0,
      unexpected: 0,
    });
    // Every duplicate is a replay the restart knew about (sent after the crash's in-flight mark).
    expect(duplicated).toBeLessThanOrEqual(worker.metrics.replayed);
    expect(worker.metrics.recordsPut + beforeRestart - duplicated).toBe(2_000);
  });
});
