import { z } from 'zod';
import { DEFAULT_BACKOFF } from '../aws/backoff.ts';
import { ORDER_KEY_PATH } from './partition-key.ts';

/**
 * The pipe's settings, named after the EventBridge Pipe's where they mirror one (docs/aws-contracts.md, Pipes).
 * Defaults: TRIM_HORIZON (nothing written before the first start is missed), BatchSize 100, no batching
 * window, polling 4 times a second, the order key as partition key.
 */
export const PipeConfigSchema = z.object({
  streamArn: z.string().min(1),
  kinesisStreamName: z.string().min(1),
  /** Checkpoints go to `<checkpointDir>/<table>-<stream label>/shards/<shardId>.json`. */
  checkpointDir: z.string().min(1),
  startingPosition: z.enum(['TRIM_HORIZON', 'LATEST']).default('TRIM_HORIZON'),
  /** Records per delivery (and per PutRecords call, capped at Kinesis' 500). */
  batchSize: z.number().int().min(1).max(10_000).default(100),
  batchingWindowMs: z.number().int().min(0).max(300_000).default(0),
  pollIntervalMs: z.number().int().min(0).default(250),
  /** How often to look for new shards (also done whenever a shard finishes). */
  shardRefreshMs: z.number().int().min(10).default(5_000),
  partitionKeyPath: z.string().default(ORDER_KEY_PATH),
  backoff: z
    .object({ baseDelayMs: z.number().min(0), maxDelayMs: z.number().min(0) })
    .default({ ...DEFAULT_BACKOFF }),
  trimmedRetries: z.number().int().min(0).default(3),
});
export type PipeConfig = z.infer<typeof PipeConfigSchema>;
export type PipeConfigInput = z.input<typeof PipeConfigSchema>;
