import { InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { AwsConnectionSchema } from '../aws/aws-connection.ts';
import { ResourceNamesSchema } from '../aws/resource-names.ts';
import { GeneratorConfigSchema, MIN_RATE_PER_SECOND } from '../generator/generator-config.ts';
import { InvalidS3LocationError, parseS3Location, type S3Location } from '../lake/s3-location.ts';
import { LocalStackConfigSchema, PortSchema } from '../local/local-stack-config.ts';
import { describeRule, numberBounds } from './schema-rule.ts';

/**
 * commander argument parsers. Each checks its value once, when the command line is parsed (before anything
 * starts), against the rule the code applies later — the stage's zod schema wherever there is one, so the rule
 * lives once — and refuses a bad value in one sentence: the option, the rule, the value received.
 */

/** A refused option value: commander prints `error: option '…' argument '…' is invalid. <message>`, exit 2. */
export class OptionValueError extends InvalidArgumentError {
  constructor(message: string) {
    super(message);
    this.exitCode = 2;
  }
}

/** The text as a number; blank text is not one (`Number('')` would be 0). */
export function toNumber(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/**
 * A parser whose rule is `schema`'s: `convert` turns the text into the schema's input, the schema's output is
 * the option's value; a refusal states the whole rule as the schema gives it. `note` follows the rule, e.g.
 * " (as for a Pipe)".
 */
export function parseBySchema<T>(
  name: string,
  schema: z.ZodType<T>,
  options: { convert?: (text: string) => unknown; note?: string } = {},
): (value: string) => T {
  const { convert = (text: string) => text, note = '' } = options;
  return (value) => {
    const result = schema.safeParse(convert(value));
    if (result.success) return result.data;
    throw new OptionValueError(`${name} is ${describeRule(schema)}${note}, got ${JSON.stringify(value)}.`);
  };
}

/**
 * A unit an option counts in, whole, where its schema field counts in smaller ones: `size` of those make one
 * (`--batching-window 2`, in seconds, is 2000 of the field's milliseconds).
 */
export interface Unit {
  readonly name: string;
  readonly size: number;
}
export const SECONDS_OF_MS: Unit = { name: 'seconds', size: 1000 };
export const MIB_OF_BYTES: Unit = { name: 'MiB', size: 1024 * 1024 };

/** The whole `unit`s a schema field kept in smaller ones accepts, e.g. 0 to 300 seconds of 0-300000 ms. */
export function wholeUnitBounds(schema: z.ZodType, unit: Unit): { min: number; max: number } {
  const bounds = numberBounds(schema);
  return { min: Math.ceil(bounds.min / unit.size), max: Math.floor(bounds.max / unit.size) };
}

/** Whole `unit`s of a schema field kept in smaller ones, checked as such by `schema`. Returns the whole units. */
export function parseWholeUnits(
  name: string,
  schema: z.ZodType,
  unit: Unit,
  note = '',
): (value: string) => number {
  const { min, max } = wholeUnitBounds(schema, unit);
  const rule = `whole ${unit.name} from ${min} to ${max}`;
  return (value) => {
    const units = toNumber(value);
    if (Number.isSafeInteger(units) && schema.safeParse(units * unit.size).success) return units;
    throw new OptionValueError(`${name} is ${rule}${note}, got ${JSON.stringify(value)}.`);
  };
}

/** A whole number of `unit` within [min, max], e.g. `--compact-every` in seconds from 0 to 86400. */
export function parseWholeInRange(name: string, unit: string, min: number, max: number, note = '') {
  return parseWholeUnits(name, z.number().int().min(min).max(max), { name: unit, size: 1 }, note);
}

/** One of `choices`, refused (exit 2) in commander's words otherwise; use with Option.choices for the help. */
export function parseChoice<const T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if ((choices as readonly string[]).includes(value)) return value as T;
    throw new OptionValueError(`Allowed choices are ${choices.join(', ')}.`);
  };
}

/** A port to listen on (`--dynamodb-port`, `--dashboard-port`, …). */
export const parsePort = parseBySchema('a port', PortSchema, { convert: toNumber });

/** `--data-dir`, `--lake-dir`, `--checkpoint-dir`: any folder, but not an empty path (that would be the cwd). */
export function parseFolder(name: string): (value: string) => string {
  return parseBySchema(name, LocalStackConfigSchema.shape.dataDir, { note: ' (a folder)' });
}

/** `--lake-s3`: `s3://<bucket>/<prefix>` with a bucket name S3 accepts and a prefix that can hold the lake's keys. */
export function parseS3Lake(value: string): S3Location {
  try {
    return parseS3Location(value);
  } catch (error) {
    if (!(error instanceof InvalidS3LocationError)) throw error;
    throw new OptionValueError(
      `--lake-s3 is s3://<bucket>/<prefix> (${error.reason}), got ${JSON.stringify(value)}.`,
    );
  }
}

/** `--endpoint`, `--s3-endpoint`: an http(s) URL with a host, as the SDK takes it. */
export function parseEndpointUrl(name: string, example: string): (value: string) => string {
  return (value) => {
    const url = URL.canParse(value) ? new URL(value) : undefined;
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.hostname === '') {
      throw new OptionValueError(
        `${name} is an http(s) URL with a host and usually a port, e.g. ${example}, got ${JSON.stringify(value)}.`,
      );
    }
    return value;
  };
}

/** `--table`: DynamoDB's naming rule, as the stack applies it when it creates the table. */
export const parseTableName = parseBySchema('--table', ResourceNamesSchema.shape.tableName, {
  note: " (DynamoDB's rule for table names)",
});

/** `--stream`: Kinesis' naming rule, as the stack applies it when it creates the stream. */
export const parseStreamName = parseBySchema('--stream', ResourceNamesSchema.shape.streamName, {
  note: " (Kinesis' rule for stream names)",
});

export const parseShards = parseBySchema('--shards', ResourceNamesSchema.shape.shardCount, {
  convert: toNumber,
  note: ' (the shards the local twin creates a stream with)',
});

export const parseRegion = parseBySchema('--region', AwsConnectionSchema.shape.region, {
  note: ' (an AWS region, e.g. us-east-1)',
});

/** `--count`/`--orders`: how many changes to write, a safe integer (doubles above 2^53 skip whole numbers). */
export function parseCount(name: string): (value: string) => number {
  return parseBySchema(name, GeneratorConfigSchema.shape.count.unwrap(), { convert: toNumber });
}

export const parseConcurrency = parseBySchema('--concurrency', GeneratorConfigSchema.shape.concurrency, {
  convert: toNumber,
  note: ' (batch writes in flight)',
});

/** `--rate`: changes per second, at least MIN_RATE_PER_SECOND (see there why), or `max`. */
export const parseRate = parseBySchema('--rate', GeneratorConfigSchema.shape.ratePerSecond, {
  convert: (text) => (text === 'max' ? 'max' : toNumber(text)),
  note: ` (changes per second: at least one change every ${1 / MIN_RATE_PER_SECOND} s)`,
});

/** `--seed`: kept as a number when it is one, so `--seed 42` and `seed: 42` plan the same changes. */
export const parseSeed = parseBySchema('--seed', GeneratorConfigSchema.shape.seed, {
  convert: (text) => {
    const number = Number(text);
    return text.trim() !== '' && Number.isSafeInteger(number) ? number : text;
  },
});
