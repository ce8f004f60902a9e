import { z } from 'zod';

/** The orders table's name by default, locally and on AWS (the original tutorial's). */
export const DEFAULT_TABLE_NAME = 'OrdersRawTable';
/** The Kinesis stream's name by default, locally and on AWS. */
export const DEFAULT_STREAM_NAME = 'kinesis-sales-order';

/**
 * The AWS resources the pipeline writes to and reads from, named by AWS's own rules: a DynamoDB table name is
 * 3-255 characters of [a-zA-Z0-9_.-], a Kinesis stream name 1-128 of the same. The shard count is ours: the
 * local twin creates at most 100.
 */
export const ResourceNamesSchema = z.object({
  tableName: z
    .string()
    .min(3)
    .max(255)
    .regex(/^[a-zA-Z0-9_.-]+$/)
    .default(DEFAULT_TABLE_NAME)
    .describe('orders table'),
  streamName: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[a-zA-Z0-9_.-]+$/)
    .default(DEFAULT_STREAM_NAME)
    .describe('Kinesis stream'),
  shardCount: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(2)
    .describe('Kinesis shards when the stream is created'),
});
export type ResourceNames = z.infer<typeof ResourceNamesSchema>;
