import { z } from 'zod';
import { DEFAULT_BACKOFF } from '../aws/backoff.ts';
import { ORDER_KEY_PATH } from './partition-key.ts';

/**
 * The pipe's defaults, the one source for the local pipe, its command line and the deployed pipe (infra):
 * TRIM_HORIZON (nothing written before the first start is missed), BatchSize 100, no batching window, polling
 * 4 times a second, the order key as partition key.
 */
export const PIPE_DEFAULTS = {
  startingPosition: 'TRIM_HORIZON',
  batchSize: 100,
  batchingWindowMs: 0,
  pollIntervalMs: 250,
  partitionKeyPath: ORDER_KEY_PATH,
} as const;

/** The pipe's settings, named after the EventBridge Pipe's where they mirror one (docs/aws-contracts.md, Pipes). */
export const PipeConfigSchema = z.object({
  streamArn: z.string().min(1),
  kinesisStreamName: z.string().min(1),
  /** Checkpoints go to `<checkpointDir>/<table>-<stream label>/shards/<shardId>.json`. */
  checkpointDir: z.string().min(1),
  startingPosition: z
    .enum(['TRIM_HORIZON', 'LATEST'])
    .default(PIPE_DEFAULTS.startingPosition)
    .describe('where a shard without a checkpoint starts'),
  batchSize: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(PIPE_DEFAULTS.batchSize)
    .describe("records per batch (and per PutRecords call, capped at Kinesis' 500)"),
  batchingWindowMs: z
    .number()
    .int()
    .min(0)
    .max(300_000)
    .default(PIPE_DEFAULTS.batchingWindowMs)
    .describe('how long to gather a batch before sending it'),
  pollIntervalMs: z.number().int().min(0).default(PIPE_DEFAULTS.pollIntervalMs),
  /** How often to look for new shards (also done whenever a shard finishes). */
  shardRefreshMs: z.number().int().min(10).default(5_000),
  partitionKeyPath: z
    .string()
    .default(PIPE_DEFAULTS.partitionKeyPath)
    .describe('the Kinesis partition key: a JSON path into the change record, e.g. $.eventID'),
  backoff: z
    .object({ baseDelayMs: z.number().min(0), maxDelayMs: z.number().min(0) })
    .default({ ...DEFAULT_BACKOFF }),
  trimmedRetries: z.number().int().min(0).default(3),
});
export type PipeConfig = z.infer<typeof PipeConfigSchema>;
export type PipeConfigInput = z.input<typeof PipeConfigSchema>;
