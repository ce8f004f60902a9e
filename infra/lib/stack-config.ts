import { z } from 'zod';
import {
  DEFAULT_ATHENA_WORKGROUP,
  DEFAULT_GLUE_DATABASE,
  DEFAULT_STACK_NAME,
} from '../../src/aws/deployed-names.ts';
import { ResourceNamesSchema } from '../../src/aws/resource-names.ts';
import { SOURCE_BACKUP_PREFIX } from '../../src/catalog/lake-layout.ts';
import { DELIVERY_DEFAULTS } from '../../src/delivery/delivery-config.ts';

/**
 * Where the stack keeps the current state of every order besides the history: nowhere (`off`, the view
 * `current_orders` ranks the whole history), or an Apache Iceberg table in the Glue Data Catalog that a second
 * Firehose stream maintains (`iceberg`).
 */
export const CURRENT_STATE_MODES = ['off', 'iceberg'] as const;
export type CurrentStateMode = (typeof CURRENT_STATE_MODES)[number];

/**
 * How often the standing proof may run: at least the function's 15 minutes apart (a run is over before the next
 * one starts), at most once a day (its alarms look at periods of one interval, and CloudWatch's longest is a day).
 */
export const PROOF_SCHEDULE_MINUTES = { min: 15, max: 24 * 60 } as const;

const RATE_UNITS = { minute: 1, hour: 60, day: 24 * 60 } as const;

/**
 * The minutes between two runs of a rate expression, `rate(30 minutes)` (EventBridge Scheduler's form) or
 * `30minutes` (the same without the space, easier on a command line); undefined when it is neither, is not a
 * whole number of minutes, or is outside `PROOF_SCHEDULE_MINUTES`.
 */
export function proofScheduleMinutes(text: string): number | undefined {
  const match = /^(?:rate\(\s*([1-9]\d*)\s+(minute|hour|day)s?\s*\)|([1-9]\d*)(minute|hour|day)s?)$/.exec(
    text.trim(),
  );
  if (!match) return undefined;
  const [, value = match[3], unit = match[4]] = match;
  const minutes = Number(value) * RATE_UNITS[unit as keyof typeof RATE_UNITS];
  return minutes >= PROOF_SCHEDULE_MINUTES.min && minutes <= PROOF_SCHEDULE_MINUTES.max ? minutes : undefined;
}

/** EventBridge Scheduler's rate expression for so many minutes, in the largest whole unit (`rate(1 hour)`). */
export function rateExpression(minutes: number): string {
  const [unit, size] =
    minutes % RATE_UNITS.day === 0
      ? (['day', RATE_UNITS.day] as const)
      : minutes % RATE_UNITS.hour === 0
        ? (['hour', RATE_UNITS.hour] as const)
        : (['minute', RATE_UNITS.minute] as const);
  const count = minutes / size;
  return `rate(${count} ${unit}${count === 1 ? '' : 's'})`;
}

/** A yes/no option: `true`/`false` from the command line (`-c crawler=true`), a boolean from cdk.json or tests. */
const contextBoolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')]);

/**
 * What a deployment may choose, as CDK context (`npm run deploy -- -c tableName=Orders -c crawler=true`).
 * Every name defaults to the one the local twin uses, so the CLI's defaults fit a default deployment. Context
 * values arrive as strings from the command line and typed from cdk.json or tests; both parse here, once.
 */
export const StackConfigSchema = z.object({
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/)
    .default(DEFAULT_STACK_NAME)
    .describe('CloudFormation stack name (`gadget-cdc … --stack` reads its outputs)'),
  tableName: ResourceNamesSchema.shape.tableName.describe('DynamoDB orders table'),
  streamName: ResourceNamesSchema.shape.streamName.describe('Kinesis stream the pipe writes to'),
  deliveryStreamName: z
    .string()
    .regex(/^[a-zA-Z0-9_.-]{1,54}$/)
    .default(DELIVERY_DEFAULTS.deliveryStreamName)
    .describe('Firehose stream; it starts every lake object name, and names the pipe and the Lambda'),
  workGroupName: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,128}$/)
    .default(DEFAULT_ATHENA_WORKGROUP)
    .describe('Athena workgroup'),
  databaseName: z
    .string()
    .regex(/^[a-z0-9_]{1,255}$/)
    .default(DEFAULT_GLUE_DATABASE)
    .describe('Glue database holding orders_cdc (lower case, digits, underscores: Athena-safe)'),
  crawler: contextBoolean
    .default(false)
    .describe('Also deploy a Glue crawler over the lake (the original tutorial used one; off by default)'),
  alarmEmail: z
    .email()
    .optional()
    .describe('Subscribe this address to the alarm topic (AWS sends it a confirmation mail first)'),
  sourceBackup: contextBoolean
    .default(false)
    .describe(
      `Also keep every source record as Firehose read it, gzipped, under ${SOURCE_BACKUP_PREFIX} in the lake`,
    ),
  currentState: z
    .enum(CURRENT_STATE_MODES)
    .default('off')
    .describe(
      'Also keep each order as it stands now in an Apache Iceberg table fed by a second Firehose stream (`iceberg`); see docs/current-state-on-aws.md',
    ),
  proof: contextBoolean
    .default(false)
    .describe(
      'Also deploy the standing proof: a scheduled Lambda that compares current_orders with a full scan of the table and times a heartbeat marker to Athena, with metrics and alarms',
    ),
  proofSchedule: z
    .string()
    .transform((text, context) => {
      const minutes = proofScheduleMinutes(text);
      if (minutes !== undefined) return rateExpression(minutes);
      context.addIssue({
        code: 'custom',
        message:
          'a rate from 15 minutes to 1 day, as EventBridge Scheduler writes it (rate(30 minutes), rate(1 hour)) or without the space and brackets (30minutes, 2hours)',
      });
      return z.NEVER;
    })
    .default(rateExpression(60))
    .describe('How often the standing proof runs (with -c proof=true): an EventBridge Scheduler rate'),
});
export type StackConfig = z.infer<typeof StackConfigSchema>;
export type StackConfigInput = z.input<typeof StackConfigSchema>;

/** The context keys a deployment reads (`-c <key>=<value>`); the README lists them with their defaults. */
export const CONTEXT_KEYS = {
  stackName: 'stackName',
  tableName: 'tableName',
  streamName: 'streamName',
  deliveryStreamName: 'deliveryStream',
  workGroupName: 'workgroup',
  databaseName: 'database',
  crawler: 'crawler',
  alarmEmail: 'alarmEmail',
  sourceBackup: 'sourceBackup',
  currentState: 'currentState',
  proof: 'proof',
  proofSchedule: 'proofSchedule',
} as const satisfies Record<keyof StackConfig, string>;

/** Reads the config from CDK context; an invalid value stops the synth naming the key and the value. */
export function stackConfigFromContext(context: (key: string) => unknown): StackConfig {
  const input = Object.fromEntries(
    Object.entries(CONTEXT_KEYS).map(([name, key]) => [name, context(key) ?? undefined]),
  );
  const parsed = StackConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]) as keyof StackConfig;
    return `-c ${CONTEXT_KEYS[name]}=${JSON.stringify(input[name])}: ${issue.message}`;
  });
  throw new Error(`Invalid CDK context for the GadgetSalesCdc stack:\n  ${problems.join('\n  ')}`);
}
