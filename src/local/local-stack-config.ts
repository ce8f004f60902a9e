import { resolve } from 'node:path';
import { z } from 'zod';

/** A TCP port to listen on. */
export const PortSchema = z.number().int().min(1).max(65_535);

export const DEFAULT_DATA_DIR = '.gadget-cdc';

/** How the local twin's servers start. */
export const LocalStackConfigSchema = z.object({
  dataDir: z
    .string()
    .min(1)
    .default(DEFAULT_DATA_DIR)
    .transform((dir) => resolve(dir))
    .describe('folder holding everything the local twin keeps: dynamodb/, kinesis/, lake/, checkpoints/'),
  host: z.string().default('127.0.0.1').describe('interface the servers bind to (loopback by default)'),
  dynamodbPort: PortSchema.optional().describe('DynamoDB Local port (a free one when omitted)'),
  kinesisPort: PortSchema.optional().describe('Kinesis server port (a free one when omitted)'),
  startTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(60_000)
    .describe('how long each server may take to answer'),
});
export type LocalStackConfig = z.infer<typeof LocalStackConfigSchema>;
