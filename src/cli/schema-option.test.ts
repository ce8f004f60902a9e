import { Command, type Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MIB_OF_BYTES, type OptionValueError, SECONDS_OF_MS, toNumber } from './option-parsers.ts';
import { schemaOption } from './schema-option.ts';

/** The options' values after parsing `args` (commander's own errors thrown, not exiting). */
function parsed(option: Option, args: string[] = []): Record<string, unknown> {
  const command = new Command('x').exitOverride().addOption(option);
  command.parse(args, { from: 'user' });
  return command.opts();
}

/** The message of the refusal `parse` throws for `value`. */
function refusal(option: Option, value: string): string {
  try {
    option.parseArg?.(value, undefined);
  } catch (error) {
    expect((error as OptionValueError).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(value)} was accepted`);
}

const schemaWithDefault = (batchSize: number) =>
  z.object({
    batchSize: z.number().int().min(1).max(500).default(batchSize).describe('records per batch'),
  });

describe('schemaOption', () => {
  it("takes its default from the field, so changing the schema's default changes the option's", () => {
    for (const value of [7, 42]) {
      const option = schemaOption('--batch-size <n>', schemaWithDefault(value).shape.batchSize, {
        parse: toNumber,
      });
      expect(option.defaultValue).toBe(value);
      expect(parsed(option)).toEqual({ batchSize: value });
      expect(parsed(option, ['--batch-size', '3'])).toEqual({ batchSize: 3 });
    }
  });

  it('has no default for a field without one', () => {
    const option = schemaOption('--count <n>', z.number().int().optional().describe('how many'));
    expect(option.defaultValue).toBeUndefined();
    expect(parsed(option)).toEqual({});
  });

  it("holds a transformed field's default as it is given, before the transform", () => {
    const dir = z
      .string()
      .default('.state')
      .transform((text) => `/abs/${text}`)
      .describe('folder');
    expect(schemaOption('--dir <dir>', dir).defaultValue).toBe('.state');
  });

  it('takes its description from the field, followed by its range, unless it gives its own', () => {
    const field = schemaWithDefault(100).shape.batchSize;
    expect(schemaOption('--batch-size <n>', field).description).toBe('records per batch, 1-500');
    expect(schemaOption('--batch-size <n>', field, { description: 'per call' }).description).toBe(
      'per call, 1-500',
    );
    // A safe integer's own bound is no range worth saying.
    const count = z.number().int().positive().max(Number.MAX_SAFE_INTEGER).describe('how many');
    expect(schemaOption('--count <n>', count).description).toBe('how many');
    expect(() => schemaOption('--x <n>', z.number().default(1))).toThrow(/--x <n>: .*no \.describe\(\) text/);
  });

  it('counts whole units of a field kept in smaller ones: default, range, value and refusal', () => {
    const windowMs = z.number().int().min(0).max(300_000).default(2_000).describe('how long to gather');
    const seconds = schemaOption('--window <seconds>', windowMs, { unit: SECONDS_OF_MS });
    expect(seconds.defaultValue).toBe(2);
    expect(seconds.description).toBe('how long to gather, 0-300 seconds');
    expect(parsed(seconds, ['--window', '300'])).toEqual({ window: 300 });
    expect(refusal(seconds, '301')).toBe('--window is whole seconds from 0 to 300, got "301".');

    const sizeBytes = z
      .number()
      .int()
      .min(1)
      .max(128 * 1024 * 1024)
      .describe('write once this much is buffered');
    const mib = schemaOption('--size <MiB>', sizeBytes, {
      unit: MIB_OF_BYTES,
      note: ' (as for Firehose)',
      default: 5 * 1024 * 1024,
    });
    expect(mib.defaultValue).toBe(5);
    expect(mib.description).toBe('write once this much is buffered, 1-128 MiB');
    expect(refusal(mib, '0')).toBe('--size is whole MiB from 1 to 128 (as for Firehose), got "0".');

    const halfSecond = z.number().int().min(0).default(500).describe('poll interval');
    expect(() => schemaOption('--poll <seconds>', halfSecond, { unit: SECONDS_OF_MS })).toThrow(
      '--poll <seconds>: the default 500 is not a whole number of seconds.',
    );
  });

  it("offers an enum field's values as its choices, less those left out, and refuses others with exit 2", () => {
    const position = z
      .enum(['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'])
      .default('LATEST')
      .describe('where reading starts');
    const option = schemaOption('--position <position>', position, { except: ['AT_TIMESTAMP'] });
    expect(option.argChoices).toEqual(['TRIM_HORIZON', 'LATEST']);
    expect(option.defaultValue).toBe('LATEST');
    expect(refusal(option, 'AT_TIMESTAMP')).toBe('Allowed choices are TRIM_HORIZON, LATEST.');
  });

  it('shows a default that does not print as it is in the words given', () => {
    const mix = z.custom<{ a: number }>().default({ a: 1 }).describe('the mix');
    const option = schemaOption('--mix <spec>', mix, { showDefault: (value) => `a=${value.a}` });
    expect(option.defaultValue).toEqual({ a: 1 });
    expect(option.defaultValueDescription).toBe('a=1');
  });
});
