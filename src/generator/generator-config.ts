import { z } from 'zod';
import { ResourceNamesSchema } from '../aws/resource-names.ts';
import { type ChangeMix, DEFAULT_MIX } from './change-mix.ts';

export const WRITE_MODES = ['auto', 'single', 'batch'] as const;
export type WriteMode = (typeof WRITE_MODES)[number];

/** Above this rate `auto` switches from one request per change to BatchWriteItem. */
export const AUTO_BATCH_ABOVE_RATE = 50;

/**
 * The slowest pace accepted: one change every 100 s. Below it a run shows nothing on the live line or the
 * dashboard's per-minute panels for minutes, and a bounded run takes hours per change (`--rate 1e-9` reads like
 * a typo for 1e9). It also keeps the pacer's wait (1/rate) far under setTimeout's ceiling of 2^31-1 ms (24.8
 * days), past which Node fires the timer after 1 ms: the pacer would spin without ever writing, so a bounded
 * run would never end.
 */
export const MIN_RATE_PER_SECOND = 0.01;

export const GeneratorConfigSchema = z.object({
  tableName: ResourceNamesSchema.shape.tableName.describe('orders table to write to'),
  ratePerSecond: z
    .union([z.number().min(MIN_RATE_PER_SECOND), z.literal('max')])
    .default(10)
    .describe('changes per second on average, or "max": as fast as DynamoDB accepts'),
  count: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('stop after this many changes; run until stopped (Ctrl-C) when omitted'),
  seed: z
    .union([z.string().min(1), z.number()])
    .optional()
    .describe('same seed, same changes; random when omitted (the run reports it)'),
  mix: z.custom<ChangeMix>().default(DEFAULT_MIX).describe('percent of inserts, updates and deletes'),
  writeMode: z
    .enum(WRITE_MODES)
    .default('auto')
    .describe(
      'single = PutItem/DeleteItem per change, batch = BatchWriteItem (25 changes a request), ' +
        `auto = batch above ${AUTO_BATCH_ABOVE_RATE}/s`,
    ),
  concurrency: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(4)
    .describe('batch writes in flight at once (batch mode)'),
});
export type GeneratorConfig = z.infer<typeof GeneratorConfigSchema>;
