import { z } from 'zod';
import { DEFAULT_TABLE_NAME } from '../local/local-stack-config.ts';
import { type ChangeMix, DEFAULT_MIX } from './change-mix.ts';

export const WRITE_MODES = ['auto', 'single', 'batch'] as const;
export type WriteMode = (typeof WRITE_MODES)[number];

/** Above this rate `auto` switches from one request per change to BatchWriteItem. */
export const AUTO_BATCH_ABOVE_RATE = 50;

export const GeneratorConfigSchema = z.object({
  tableName: z.string().min(3).default(DEFAULT_TABLE_NAME).describe('Orders table to write to'),
  ratePerSecond: z
    .union([z.number().positive(), z.literal('max')])
    .default(10)
    .describe('Changes per second on average; "max" writes as fast as DynamoDB accepts'),
  count: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Stop after this many changes; run until stopped when omitted'),
  seed: z
    .union([z.string().min(1), z.number()])
    .optional()
    .describe('Same seed, same changes; random when omitted'),
  mix: z.custom<ChangeMix>().default(DEFAULT_MIX).describe('Percent of inserts, updates and deletes'),
  writeMode: z
    .enum(WRITE_MODES)
    .default('auto')
    .describe(`single = one request per change, batch = BatchWriteItem`),
  concurrency: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(4)
    .describe('Batch writes in flight at once (batch mode)'),
});
export type GeneratorConfig = z.infer<typeof GeneratorConfigSchema>;
