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
