import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryKinesis } from '../../test/helpers/memory-kinesis.ts';
import { waitFor } from '../../test/helpers/processes.ts';
import { SCRIPTED_STREAM_ARN, ScriptedStreams } from '../../test/helpers/scripted-streams.ts';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import type { PipeConfigInput } from './pipe-config.ts';
import { PipeWorker, streamLabel } from './pipe-worker.ts';
import type { PipeEvent } from './shard-reader.ts';

const cleanups: Array<() => void> = [];
const workers: PipeWorker[] = [];
const failures: unknown[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  for (const cleanup of cleanups.splice(0)) cleanup();
  expect(failures.splice(0), 'pipe failures').toEqual([]);
});

function newCheckpointDir(): string {
  const dir = makeTempDir('shard-lineage');
  cleanups.push(dir.remove);
  return dir.path;
}

/** Starts the real pipe over the fakes, polling fast; a failure of the pipe fails the test. */
function startPipe(
  streams: ScriptedStreams,
  kinesis: MemoryKinesis,
  checkpointDir: string,
  config: Partial<PipeConfigInput> = {},
  events: PipeEvent[] = [],
): PipeWorker {
  const worker = new PipeWorker(
    { streams, kinesis },
    {
      streamArn: SCRIPTED_STREAM_ARN,
      kinesisStreamName: 'kinesis-sales-order',
      checkpointDir,
      pollIntervalMs: 5,
      shardRefreshMs: 20,
      backoff: { baseDelayMs: 1, maxDelayMs: 5 },
      ...config,
    },
    (event) => events.push(event),
  );
  workers.push(worker);
  worker.start().catch((error: unknown) => failures.push(error));
  return worker;
}

/** Waits (polling, no fixed sleep) until `condition` holds; a pipe failure ends the wait at once. */
async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const held = await waitFor(() => failures.length > 0 || condition(), timeoutMs);
  if (failures.length > 0) throw failures[0];
  expect(held, `waited ${timeoutMs} ms for ${what}`).toBe(true);
}

const lastSequenceNumber = (streams: ScriptedStreams, shardId: string) =>
  streams.records(shardId).at(-1)?.dynamodb?.SequenceNumber;

/**
 * Every record of the shards is on Kinesis: each checkpoint (moved only after a delivery) is at the shard's
 * last record. Nothing is appended afterwards in the tests, so what Kinesis holds then is final.
 */
const drained = (worker: PipeWorker, streams: ScriptedStreams, shardIds: readonly string[]) => () =>
  shardIds.every((id) => worker.metrics.shards.get(id)?.checkpoint === lastSequenceNumber(streams, id));

const eventIds = (records: readonly _Record[]) => records.map((record) => record.eventID);
const putIds = (kinesis: MemoryKinesis, shardId?: string) =>
  kinesis.entries
    .map((entry) => entry.eventID)
    .filter((id) => shardId === undefined || id.startsWith(`${shardId}/`));

const checkpointFile = (checkpointDir: string, shardId: string) =>
  JSON.parse(
    readFileSync(join(checkpointDir, streamLabel(SCRIPTED_STREAM_ARN), 'shards', `${shardId}.json`), 'utf8'),
  );

/** Index in the call log of the first read (iterator or records) of any of the shards; -1 if none. */
const firstReadOf = (streams: ScriptedStreams, shardIds: readonly string[], from = 0) =>
  streams.calls.findIndex(
    (call, i) =>
      i >= from &&
      (call.op === 'GetRecords' || call.op === 'GetShardIterator') &&
      shardIds.includes(call.shardId),
  );

describe('the pipe over split, closing and new shards (scripted DynamoDB Streams)', () => {
  it('reads a split parent to its end before either child, putting every record once', async () => {
    const streams = new ScriptedStreams().addShard('parent');
    const parent = streams.append('parent', 30);
    streams.closeShard('parent');
    streams.addShard('child-a', { parent: 'parent' }).addShard('child-b', { parent: 'parent' });
    const childA = streams.append('child-a', 20);
    const childB = streams.append('child-b', 20);
    const kinesis = new MemoryKinesis();
    const checkpointDir = newCheckpointDir();
    const worker = startPipe(streams, kinesis, checkpointDir, { batchSize: 7 });

    await until(drained(worker, streams, ['parent', 'child-a', 'child-b']), 'all three shards on Kinesis');
    await worker.stop();

    expect(new Set(putIds(kinesis)).size).toBe(70);
    expect(putIds(kinesis).slice(0, 30)).toEqual(eventIds(parent));
    expect(putIds(kinesis, 'child-a')).toEqual(eventIds(childA));
    expect(putIds(kinesis, 'child-b')).toEqual(eventIds(childB));
    expect(kinesis.entries[0]?.partitionKey).toBe('parent-order-0'); // keyed by the order, not the event
    const parentEnd = streams.calls.findIndex(
      (call) => call.op === 'GetRecords' && call.shardId === 'parent' && call.ended,
    );
    expect(parentEnd).toBeGreaterThanOrEqual(0);
    expect(firstReadOf(streams, ['child-a', 'child-b'])).toBeGreaterThan(parentEnd);
    expect(checkpointFile(checkpointDir, 'parent')).toMatchObject({
      finished: true,
      sequenceNumber: lastSequenceNumber(streams, 'parent'),
    });
    // Three shards at two per page: the pipe must have asked for the second page.
    expect(streams.calls).toContainEqual({ op: 'DescribeStream', exclusiveStartShardId: 'child-a' });
  });

  it('finishes a shard that closes while it is read, then reads the child that appears', async () => {
    const streams = new ScriptedStreams().addShard('first');
    const early = streams.append('first', 10);
    const kinesis = new MemoryKinesis();
    const checkpointDir = newCheckpointDir();
    const worker = startPipe(streams, kinesis, checkpointDir);
    await until(drained(worker, streams, ['first']), 'the first records on Kinesis');

    const late = streams.append('first', 5);
    streams.closeShard('first');
    streams.addShard('second', { parent: 'first' });
    const child = streams.append('second', 5);
    await until(drained(worker, streams, ['first', 'second']), 'the rest and the child on Kinesis');
    await worker.stop();

    expect(putIds(kinesis)).toEqual(eventIds([...early, ...late, ...child]));
    expect(worker.metrics.shards.get('first')?.state).toBe('finished');
    expect(checkpointFile(checkpointDir, 'first')).toMatchObject({ finished: true });
    const firstEnd = streams.calls.findIndex(
      (call) => call.op === 'GetRecords' && call.shardId === 'first' && call.ended,
    );
    expect(firstReadOf(streams, ['second'])).toBeGreaterThan(firstEnd);
  });

  it('picks up a shard that appears while running within a refresh, from its start even at LATEST', async () => {
    const streams = new ScriptedStreams().addShard('old');
    streams.append('old', 5); // before the first start: LATEST skips these
    const kinesis = new MemoryKinesis();
    const worker = startPipe(streams, kinesis, newCheckpointDir(), { startingPosition: 'LATEST' });
    await until(
      () => streams.calls.some((call) => call.op === 'GetRecords' && call.shardId === 'old'),
      'the old shard polled at LATEST',
    );

    const added = streams.calls.length;
    streams.addShard('new');
    const early = streams.append('new', 7); // before the pipe has seen the shard: must not be missed
    const later = streams.append('old', 3);
    await until(drained(worker, streams, ['old', 'new']), 'both shards on Kinesis');
    await worker.stop();

    expect(putIds(kinesis, 'old')).toEqual(eventIds(later));
    expect(putIds(kinesis, 'new')).toEqual(eventIds(early));
    const firstNewRead = firstReadOf(streams, ['new'], added);
    expect(streams.calls[firstNewRead]).toMatchObject({
      op: 'GetShardIterator',
      iteratorType: 'TRIM_HORIZON',
    });
    // The first look at the shards that starts after the shard appeared already starts its reader.
    const looksBetween = streams.calls
      .slice(added, firstNewRead)
      .filter((call) => call.op === 'DescribeStream' && call.exclusiveStartShardId === undefined);
    expect(looksBetween).toHaveLength(1);
  });
});

describe('the pipe over iterator and trim errors (scripted DynamoDB Streams)', () => {
  it('re-reads from the checkpoint after an iterator expires: nothing lost, nothing twice', async () => {
    const streams = new ScriptedStreams().addShard('only');
    const delivered = streams.append('only', 10);
    const kinesis = new MemoryKinesis();
    // A batching window keeps the next records read but undelivered when the iterator expires.
    const worker = startPipe(streams, kinesis, newCheckpointDir(), { batchingWindowMs: 100 });
    await until(drained(worker, streams, ['only']), 'the first records on Kinesis');

    const unsubscribe = streams.onCall((call) => {
      if (call.op !== 'GetRecords' || call.count === 0) return;
      unsubscribe();
      streams.expireIteratorsOnce();
    });
    const buffered = streams.append('only', 10);
    await until(drained(worker, streams, ['only']), 'the records after the expiry on Kinesis');
    await worker.stop();

    expect(putIds(kinesis)).toEqual(eventIds([...delivered, ...buffered]));
    expect(worker.metrics.recordsPut).toBe(20);
    expect(worker.metrics.iteratorsRenewed).toBeGreaterThanOrEqual(1);
    const expired = streams.calls.findIndex(
      (call) => 'error' in call && call.error === 'ExpiredIteratorException',
    );
    expect(expired).toBeGreaterThanOrEqual(0);
    expect(streams.calls.slice(expired).find((call) => call.op === 'GetShardIterator')).toMatchObject({
      iteratorType: 'AFTER_SEQUENCE_NUMBER',
      sequenceNumber: delivered.at(-1)?.dynamodb?.SequenceNumber,
    });
  });

  it('rides out spurious trim errors (as DynamoDB Local raises them) without a gap or a loss', async () => {
    const streams = new ScriptedStreams().addShard('only');
    const first = streams.append('only', 10);
    streams.trimOnce('only', 2); // the first GetShardIterator and its retry
    const kinesis = new MemoryKinesis();
    const events: PipeEvent[] = [];
    const worker = startPipe(streams, kinesis, newCheckpointDir(), {}, events);
    await until(drained(worker, streams, ['only']), 'the first records on Kinesis');

    streams.trimOnce('only', 2); // the next GetRecords, then the GetShardIterator renewing it
    const second = streams.append('only', 10);
    await until(drained(worker, streams, ['only']), 'the later records on Kinesis');
    await worker.stop();

    expect(putIds(kinesis)).toEqual(eventIds([...first, ...second]));
    expect(
      streams.calls.filter((call) => 'error' in call && call.error === 'TrimmedDataAccessException'),
    ).toHaveLength(4);
    expect(worker.metrics.gaps).toBe(0);
    expect(events.filter((event) => event.level === 'error')).toEqual([]);
  });

  it('reports a real gap once, loudly, and goes on from the oldest record left', async () => {
    const streams = new ScriptedStreams().addShard('only');
    const read = streams.append('only', 10);
    const kinesis = new MemoryKinesis();
    const checkpointDir = newCheckpointDir();
    const first = startPipe(streams, kinesis, checkpointDir);
    await until(drained(first, streams, ['only']), 'the first records on Kinesis');
    await first.stop();

    const unread = streams.append('only', 10); // written while the pipe is down…
    streams.trimBefore('only', unread[5]?.dynamodb?.SequenceNumber ?? ''); // …and half of it expires unread
    const events: PipeEvent[] = [];
    const second = startPipe(streams, kinesis, checkpointDir, {}, events);
    await until(drained(second, streams, ['only']), 'the records left on Kinesis');
    await second.stop();

    expect(putIds(kinesis)).toEqual(eventIds([...read, ...unread.slice(5)]));
    expect(second.metrics.gaps).toBe(1);
    const errors = events.filter((event) => event.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('GAP');
    expect(streams.calls.filter((call) => call.op === 'GetShardIterator').at(-1)).toMatchObject({
      iteratorType: 'TRIM_HORIZON',
    });
  });
});

describe('the pipe restarted over its checkpoints (scripted DynamoDB Streams)', () => {
  it('resumes a split lineage after clean stops exactly after each checkpoint', async () => {
    const streams = new ScriptedStreams().addShard('parent');
    const kinesis = new MemoryKinesis();
    const checkpointDir = newCheckpointDir();
    const parentEarly = streams.append('parent', 10);
    // The first run is stopped while its first delivery is held; by then the pipe may already have fetched
    // the next page (parentLate, appended right after the first read), which must not count as delivered.
    let parentLate: _Record[] = [];
    const unsubscribe = streams.onCall((call) => {
      if (call.op !== 'GetRecords' || call.count === 0) return;
      unsubscribe();
      parentLate = streams.append('parent', 10);
    });
    const { release } = kinesis.hold();
    const first = startPipe(streams, kinesis, checkpointDir, { batchSize: 5 });
    await until(() => kinesis.waiting > 0, 'a delivery held');
    const stopped = first.stop();
    release();
    await stopped;
    expect(putIds(kinesis)).toEqual(eventIds(parentEarly));
    expect(checkpointFile(checkpointDir, 'parent')).toMatchObject({
      finished: false,
      sequenceNumber: parentEarly.at(-1)?.dynamodb?.SequenceNumber,
    });

    streams.closeShard('parent');
    streams.addShard('child-a', { parent: 'parent' }).addShard('child-b', { parent: 'parent' });
    const aEarly = streams.append('child-a', 10);
    const bEarly = streams.append('child-b', 10);
    const second = startPipe(streams, kinesis, checkpointDir, { batchSize: 5 });
    await until(drained(second, streams, ['parent', 'child-a', 'child-b']), 'the parent and children read');
    await second.stop();

    const aLate = streams.append('child-a', 10);
    const bLate = streams.append('child-b', 10);
    const resumedFrom = streams.calls.length;
    const third = startPipe(streams, kinesis, checkpointDir, { batchSize: 5 });
    await until(drained(third, streams, ['child-a', 'child-b']), 'the later child records read');
    await third.stop();

    expect(putIds(kinesis, 'parent')).toEqual(eventIds([...parentEarly, ...parentLate]));
    expect(putIds(kinesis).slice(0, 20)).toEqual(putIds(kinesis, 'parent'));
    expect(putIds(kinesis, 'child-a')).toEqual(eventIds([...aEarly, ...aLate]));
    expect(putIds(kinesis, 'child-b')).toEqual(eventIds([...bEarly, ...bLate]));
    expect([first, second, third].map((worker) => worker.metrics.replayed)).toEqual([0, 0, 0]);
    // The third run skips the finished parent and starts each child right after its checkpoint.
    const thirdReads = streams.calls.slice(resumedFrom);
    expect(thirdReads.some((call) => 'shardId' in call && call.shardId === 'parent')).toBe(false);
    for (const [shardId, early] of [
      ['child-a', aEarly],
      ['child-b', bEarly],
    ] as const) {
      expect(
        thirdReads.find((call) => call.op === 'GetShardIterator' && call.shardId === shardId),
      ).toMatchObject({
        iteratorType: 'AFTER_SEQUENCE_NUMBER',
        sequenceNumber: early.at(-1)?.dynamodb?.SequenceNumber,
      });
    }
  });
});

// At least once (docs/architecture.md, delivery semantics): whatever is written after a LATEST start must arrive.
describe('the pipe started at LATEST (scripted DynamoDB Streams)', () => {
  it('loses nothing written after the start when its LATEST iterator is renewed before a first delivery', async () => {
    const streams = new ScriptedStreams().addShard('only');
    streams.append('only', 3); // before the start: LATEST skips these
    const kinesis = new MemoryKinesis();
    const worker = startPipe(streams, kinesis, newCheckpointDir(), { startingPosition: 'LATEST' });
    await until(
      () => streams.calls.some((call) => call.op === 'GetRecords' && call.shardId === 'only'),
      'the shard polled at LATEST',
    );

    const afterStart = streams.append('only', 5);
    streams.trimOnce('only', 1); // DynamoDB Local's spurious trim error hits the next read
    await waitFor(drained(worker, streams, ['only']), 1_000);
    await worker.stop();

    // Putting the records from before the start as well would be tolerable (at least once); losing any is not.
    const wanted = new Set(eventIds(afterStart));
    expect(putIds(kinesis).filter((id) => wanted.has(id))).toEqual(eventIds(afterStart));
  });

  it('loses nothing written to an open child after the start while its closed parent is read', async () => {
    const streams = new ScriptedStreams().addShard('parent');
    streams.append('parent', 3);
    streams.closeShard('parent');
    streams.addShard('child', { parent: 'parent' });
    streams.append('child', 2); // before the start: LATEST skips these
    let afterStart: _Record[] = [];
    const unsubscribe = streams.onCall((call) => {
      if (call.op !== 'GetRecords' || call.shardId !== 'parent' || !call.ended) return;
      unsubscribe();
      afterStart = streams.append('child', 4); // the pipe has started: it has read the parent to its end
    });
    const kinesis = new MemoryKinesis();
    const worker = startPipe(streams, kinesis, newCheckpointDir(), { startingPosition: 'LATEST' });
    await until(() => worker.metrics.shards.get('child')?.state === 'reading', 'the child being read');
    await waitFor(drained(worker, streams, ['child']), 1_000);
    await worker.stop();

    expect(afterStart).toHaveLength(4);
    const wanted = new Set(eventIds(afterStart));
    expect(putIds(kinesis).filter((id) => wanted.has(id))).toEqual(eventIds(afterStart));
  });
});
