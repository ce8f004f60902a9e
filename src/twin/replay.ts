import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { writeFileDurably } from '../checkpoint/durable-file.ts';
import type { DeliveryMetrics } from '../delivery/delivery-metrics.ts';
import { PipelineError } from '../errors/pipeline-error.ts';
import { deliveryCheckpointDir, localDelivery } from './local-delivery.ts';
import { waitUntilQuiet } from './wait-until-quiet.ts';

/** Where a replay starts reading every shard: its oldest record kept, or the first at or after a time. */
export type ReplayStart = { readonly position: 'TRIM_HORIZON' } | { readonly timestampMs: number };

export function describeReplayStart(start: ReplayStart): string {
  return 'timestampMs' in start ? new Date(start.timestampMs).toISOString() : 'TRIM_HORIZON';
}

/** A replay cut short earlier started somewhere else: resuming it from here would mix two replays. */
export class ReplayConflictError extends PipelineError {
  constructor(manifest: string, earlier: string, asked: string) {
    super(
      'delivery',
      'REPLAY_CONFLICT',
      `A replay from ${earlier} was cut short and is resumable (${manifest}); this one asks --from ${asked}. ` +
        `Run it again with --from ${earlier} to finish it, or delete ${dirname(manifest)} to start over from ${asked}.`,
    );
  }
}

export interface ReplayResult {
  readonly metrics: DeliveryMetrics;
  /** True when the replay read up to the stream's tip; false when it was stopped first (it resumes). */
  readonly completed: boolean;
  /** True when it went on from the checkpoints of an earlier replay cut short. */
  readonly resumed: boolean;
  readonly lakeDir: string;
}

/** How long the stream must stay read to its tip, with nothing new, before the replay counts as done. */
const QUIET_MS = 1_500;

/**
 * Reads the Kinesis stream again from `from` through the transform into the lake, as the delivery does (its
 * own delivery stream name `replay`, so its objects and checkpoints are its own). Rows already in the lake
 * come again: harmless by design, as every view dedupes on event_id and compaction keeps exact copies once.
 * Stopped by `signal`, it keeps its checkpoints and the next replay with the same `from` goes on from them.
 */
export async function replayStream(options: {
  readonly clients: { readonly kinesis: Pick<KinesisClient, 'send'> };
  readonly dataDir: string;
  readonly streamName: string;
  readonly from: ReplayStart;
  readonly signal: AbortSignal;
  readonly onProgress?: (metrics: DeliveryMetrics) => void;
  readonly onTransformWarning: (line: string) => void;
}): Promise<ReplayResult> {
  const { dataDir, from, signal } = options;
  const checkpoints = join(deliveryCheckpointDir(dataDir), REPLAY_STREAM);
  const manifest = join(checkpoints, 'replay.json');
  const asked = describeReplayStart(from);
  const earlier = await readManifest(manifest);
  if (earlier !== undefined && earlier !== asked) throw new ReplayConflictError(manifest, earlier, asked);
  await mkdir(checkpoints, { recursive: true });
  await writeFileDurably(manifest, JSON.stringify({ from: asked }));

  const worker = localDelivery(options.clients, dataDir, options.streamName, {
    deliveryStreamName: REPLAY_STREAM,
    onTransformWarning: options.onTransformWarning,
    ...('timestampMs' in from
      ? { startingPosition: 'AT_TIMESTAMP', startingTimestampMs: from.timestampMs }
      : { startingPosition: 'TRIM_HORIZON' }),
  });
  const running = worker.start();
  let completed = false;
  try {
    // Done once the stream is read to its tip and nothing new arrives for a while (no time limit: a replay of
    // a day of records takes what it takes); Ctrl-C or a failed delivery ends the wait.
    const ended = new AbortController();
    if (signal.aborted) ended.abort();
    else signal.addEventListener('abort', () => ended.abort(), { once: true });
    running.catch(() => ended.abort());
    const { metrics } = worker;
    completed = await waitUntilQuiet(
      () => {
        options.onProgress?.(metrics);
        return `${metrics.recordsIn}/${metrics.rowsWritten}/${metrics.errorObjectsWritten}`;
      },
      () => metrics.millisBehind + metrics.bufferedRecords,
      { quietMs: QUIET_MS, timeoutMs: Number.POSITIVE_INFINITY, signal: ended.signal },
    );
  } finally {
    await worker.stop();
  }
  await running; // rethrows what stopped the delivery
  completed &&= worker.metrics.unwrittenAtStop === 0;
  if (completed) await rm(checkpoints, { recursive: true, force: true });
  return { metrics: worker.metrics, completed, resumed: earlier !== undefined, lakeDir: worker.lake.root };
}

/** The replay's delivery stream name: its objects are named `replay-…` and its checkpoints kept apart. */
const REPLAY_STREAM = 'replay';

async function readManifest(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const from = (JSON.parse(text) as { from?: unknown }).from;
    if (typeof from === 'string') return from;
  } catch {}
  throw new PipelineError(
    'delivery',
    'CORRUPT_REPLAY_MANIFEST',
    `${path} is damaged: delete ${dirname(path)} to start the replay over (its rows may come again: harmless).`,
  );
}
