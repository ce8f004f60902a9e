import { resolve } from 'node:path';
import { z } from 'zod';

/** A TCP port to listen on. */
export const PortSchema = z.number().int().min(1).max(65_535);

export const DEFAULT_DATA_DIR = '.gadget-cdc';
export const DEFAULT_TABLE_NAME = 'OrdersRawTable';
export const DEFAULT_STREAM_NAME = 'kinesis-sales-order';

/** How the local twin's servers start. */
export const LocalStackConfigSchema = z.object({
  dataDir: z
    .string()
    .min(1)
    .default(DEFAULT_DATA_DIR)
    .transform((dir) => resolve(dir))
    .describe('Folder holding everything the local twin keeps: dynamodb/, kinesis/, lake/, checkpoints/'),
  host: z.string().default('127.0.0.1').describe('Interface the servers bind to (loopback by default)'),
  dynamodbPort: PortSchema.optional().describe('DynamoDB Local port; a free one when omitted'),
  kinesisPort: PortSchema.optional().describe('Kinesis server port; a free one when omitted'),
  startTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(60_000)
    .describe('How long each server may take to answer'),
});
export type LocalStackConfig = z.infer<typeof LocalStackConfigSchema>;

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
    .default(DEFAULT_TABLE_NAME),
  streamName: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[a-zA-Z0-9_.-]+$/)
    .default(DEFAULT_STREAM_NAME),
  shardCount: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(2)
    .describe('Kinesis shards when the stream is created'),
});
export type ResourceNames = z.infer<typeof ResourceNamesSchema>;
