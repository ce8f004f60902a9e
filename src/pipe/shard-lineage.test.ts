import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/helpers/processes.ts';
import { RecordingKinesis, ScriptedStreams } from '../../test/helpers/scripted-dynamodb-streams.ts';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import type { PipeConfigInput } from './pipe-config.ts';
import { PipeWorker, streamLabel } from './pipe-worker.ts';
import type { PipeEvent } from './shard-reader.ts';

const STREAM_ARN =
  'arn:aws:dynamodb:us-east-1:123456789012:table/OrdersRawTable/stream/2026-11-22T00:00:00.000';
const dirs: Array<{ path: string; remove(): void }> = [];
const workers: PipeWorker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  for (const dir of dirs.splice(0)) dir.remove();
});

function checkpointDir(): string {
  const dir = makeTempDir('lineage');
  dirs.push(dir);
  return dir.path;
}

function startPipe(
  streams: ScriptedStreams,
  kinesis: RecordingKinesis,
  checkpoints: string,
  config: Partial<PipeConfigInput> = {},
  events: PipeEvent[] = [],
): PipeWorker {
  const worker = new PipeWorker(
    { streams, kinesis },
    {
      streamArn: STREAM_ARN,
      kinesisStreamName: 'kinesis-sales-order',
      checkpointDir: checkpoints,
      pollIntervalMs: 5,
      shardRefreshMs: 20,
      backoff: { baseDelayMs: 1, maxDelayMs: 5 },
      ...config,
    },
    (event) => events.push(event),
  );
  workers.push(worker);
  void worker.start();
  return worker;
}

const arrived = (kinesis: RecordingKinesis, count: number) =>
  waitFor(() => kinesis.put.length >= count, 10_000);
const ids = (kinesis: RecordingKinesis) => kinesis.put.map((p) => p.eventID);
const checkpointOf = (dir: string, shardId: string) =>
  JSON.parse(readFileSync(join(dir, streamLabel(STREAM_ARN), 'shards', `${shardId}.json`), 'utf8'));

describe('the pipe over shard lineage (scripted streams)', () => {
  it('reads a split parent to its end before either child, each record once', async () => {
    const streams = new ScriptedStreams()
      .addShard('parent')
      .addShard('child-a', 'parent')
      .addShard('child-b', 'parent');
    streams.append('parent', 30);
    streams.close('parent');
    streams.append('child-a', 20);
    streams.append('child-b', 20);
    const kinesis = new RecordingKinesis();
    const checkpoints = checkpointDir();
    startPipe(streams, kinesis, checkpoints, { batchSize: 7 });

    expect(await arrived(kinesis, 70)).toBe(true);
    expect(new Set(ids(kinesis)).size).toBe(70);
    const firstChild = ids(kinesis).findIndex((id) => id.startsWith('child'));
    expect(
      ids(kinesis)
        .slice(0, firstChild)
        .every((id) => id.startsWith('parent')),
    ).toBe(true);
    expect(firstChild).toBe(30);
    const parentEnd = streams.reads.findIndex((read) => read.shardId === 'parent' && read.end);
    const firstChildRead = streams.reads.findIndex((read) => read.shardId !== 'parent');
    expect(parentEnd).toBeGreaterThanOrEqual(0);
    expect(firstChildRead).toBeGreaterThan(parentEnd);
    expect(checkpointOf(checkpoints, 'parent')).toMatchObject({ finished: true });
  });

  it('finishes a shard that closes while it is read, then reads the child that appears', async () => {
    const streams = new ScriptedStreams().addShard('first');
    streams.append('first', 10);
    const kinesis = new RecordingKinesis();
    const worker = startPipe(streams, kinesis, checkpointDir());
    expect(await arrived(kinesis, 10)).toBe(true);

    streams.append('first', 5);
    streams.close('first');
    streams.addShard('second', 'first');
    streams.append('second', 5);
    expect(await arrived(kinesis, 20)).toBe(true);
    expect(
      ids(kinesis)
        .slice(0, 15)
        .every((id) => id.startsWith('first')),
    ).toBe(true);
    expect(new Set(ids(kinesis)).size).toBe(20);
    expect(worker.metrics.shards.get('first')?.state).toBe('finished');
    expect(worker.metrics.shards.get('second')?.state).toBe('reading');
  });

  it('picks up a shard that appears while running and reads it from its start, even when started at LATEST', async () => {
    const streams = new ScriptedStreams().addShard('old');
    streams.append('old', 5); // before the first start: skipped at LATEST
    const kinesis = new RecordingKinesis();
    startPipe(streams, kinesis, checkpointDir(), { startingPosition: 'LATEST' });
    // Its LATEST iterator is in use once it has read (nothing) from the shard.
    expect(await waitFor(() => streams.reads.some((read) => read.shardId === 'old'), 5_000)).toBe(true);

    streams.addShard('new');
    streams.append('new', 7); // written before the pipe sees the shard: must not be missed
    streams.append('old', 3);
    expect(await arrived(kinesis, 10)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ids(kinesis).sort()).toEqual(
      [
        ...[5, 6, 7].map((n) => `old-event-${n}`),
        ...[0, 1, 2, 3, 4, 5, 6].map((n) => `new-event-${n}`),
      ].sort(),
    );
  });

  it('re-acquires an expired iterator from its checkpoint: nothing lost, nothing twice', async () => {
    const streams = new ScriptedStreams().addShard('only');
    streams.append('only', 10);
    const kinesis = new RecordingKinesis();
    const worker = startPipe(streams, kinesis, checkpointDir());
    expect(await arrived(kinesis, 10)).toBe(true);
    streams.expireIterators();
    streams.append('only', 10);
    expect(await arrived(kinesis, 20)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ids(kinesis)).toEqual(Array.from({ length: 20 }, (_, n) => `only-event-${n}`));
    expect(worker.metrics.iteratorsRenewed).toBeGreaterThanOrEqual(1);
  });

  it('rides out spurious trim errors without counting a gap', async () => {
    const streams = new ScriptedStreams().addShard('only');
    streams.append('only', 10);
    streams.trimOnce('only', 2);
    const kinesis = new RecordingKinesis();
    const worker = startPipe(streams, kinesis, checkpointDir());
    expect(await arrived(kinesis, 10)).toBe(true);
    expect(ids(kinesis)).toEqual(Array.from({ length: 10 }, (_, n) => `only-event-${n}`));
    expect(worker.metrics.gaps).toBe(0);
  });

  it('reports a real gap loudly when data was trimmed before it was read, and goes on from the oldest record left', async () => {
    const streams = new ScriptedStreams().addShard('only');
    streams.append('only', 10);
    const kinesis = new RecordingKinesis();
    const checkpoints = checkpointDir();
    const first = startPipe(streams, kinesis, checkpoints);
    expect(await arrived(kinesis, 10)).toBe(true);
    await first.stop();

    const later = streams.append('only', 10); // events 10..19, while the pipe is down
    streams.trimBefore('only', later[5] as string); // 10..14 expire unread
    const events: PipeEvent[] = [];
    const second = startPipe(streams, kinesis, checkpoints, {}, events);
    expect(await arrived(kinesis, 15)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ids(kinesis).slice(10)).toEqual([15, 16, 17, 18, 19].map((n) => `only-event-${n}`));
    expect(second.metrics.gaps).toBe(1);
    expect(events.some((event) => event.level === 'error' && event.message.includes('GAP in only'))).toBe(
      true,
    );
  });

  it('resumes a lineage after a clean stop exactly where it stopped', async () => {
    const streams = new ScriptedStreams().addShard('parent').addShard('child', 'parent');
    streams.append('parent', 40);
    streams.close('parent');
    streams.append('child', 40);
    const kinesis = new RecordingKinesis();
    const checkpoints = checkpointDir();
    const release = kinesis.holdAfter(20);
    const first = startPipe(streams, kinesis, checkpoints, { batchSize: 5 });
    expect(await arrived(kinesis, 20)).toBe(true);
    const stopped = first.stop(); // asked while a delivery is held: it finishes, then the pipe stops
    release();
    await stopped;
    const afterFirst = kinesis.put.length;

    startPipe(streams, kinesis, checkpoints, { batchSize: 5 });
    expect(await arrived(kinesis, 80)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(afterFirst).toBeLessThan(80);
    expect(ids(kinesis)).toHaveLength(80);
    expect(new Set(ids(kinesis)).size).toBe(80);
    expect(ids(kinesis).findIndex((id) => id.startsWith('child'))).toBe(40);
  });
});
