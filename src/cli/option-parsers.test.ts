import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type OptionValueError,
  parseBySchema,
  parseChoice,
  parseConcurrency,
  parseCount,
  parseFolder,
  parsePort,
  parseRate,
  parseSeed,
  parseShards,
  parseStreamName,
  parseTableName,
  parseWholeUnits,
  SECONDS_OF_MS,
  toNumber,
} from './option-parsers.ts';

const refusal = (parse: (value: string) => unknown, value: string): string => {
  try {
    parse(value);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as OptionValueError).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(value)} was accepted`);
};

describe('option parsers', () => {
  it('take their limits from the schemas the code applies later, and accept the edges', () => {
    expect(parseTableName('a'.repeat(255))).toHaveLength(255);
    expect(refusal(parseTableName, 'a'.repeat(256))).toMatch(
      /^--table is 3 to 255 characters of \[a-zA-Z0-9_.-\]/,
    );
    expect(refusal(parseTableName, 'ab')).toContain('got "ab"');
    expect(parseStreamName('s'.repeat(128))).toHaveLength(128);
    expect(refusal(parseStreamName, 's'.repeat(129))).toMatch(/^--stream is 1 to 128 characters of/);
    expect(refusal(parseStreamName, 'has space')).toContain('got "has space"');
    expect(parseShards('100')).toBe(100);
    expect(refusal(parseShards, '101')).toMatch(/^--shards is a whole number from 1 to 100 /);
    expect(parseConcurrency('64')).toBe(64);
    expect(refusal(parseConcurrency, '65')).toMatch(/^--concurrency is a whole number from 1 to 64 /);
    expect(parsePort('65535')).toBe(65_535);
    expect(refusal(parsePort, '0')).toBe('a port is a whole number from 1 to 65535, got "0".');
  });

  it('refuse counts that are not safe integers, blank text included', () => {
    const count = parseCount('--orders');
    expect(count(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    for (const value of ['1e300', '9007199254740993', '0', '-1', '1.5', '', ' ', 'Infinity', 'ten']) {
      expect(refusal(count, value)).toBe(
        `--orders is a whole number from 1 to 9007199254740991, got ${JSON.stringify(value)}.`,
      );
    }
  });

  it('refuse a rate at which a run would hardly ever write, and say the bound', () => {
    expect(parseRate('max')).toBe('max');
    expect(parseRate('0.01')).toBe(0.01);
    expect(parseRate('1e300')).toBe(1e300);
    for (const value of ['1e-9', '0.009', '0', '-5', '', 'fast']) {
      expect(refusal(parseRate, value)).toMatch(
        /^--rate is a number >= 0\.01 or "max" \(changes per second: at least one change every 100 s\), got /,
      );
    }
  });

  it('keep a numeric seed a number and refuse an empty one', () => {
    expect(parseSeed('42')).toBe(42);
    expect(parseSeed('run-7')).toBe('run-7');
    expect(refusal(parseSeed, '')).toBe('--seed is at least 1 character or a number, got "".');
  });

  it('refuse an empty folder, which would otherwise mean the current one', () => {
    expect(parseFolder('--data-dir')('x')).toMatch(/\/x$/);
    expect(refusal(parseFolder('--lake-dir'), '')).toBe(
      '--lake-dir is at least 1 character (a folder), got "".',
    );
  });

  it('check whole units against a schema kept in smaller ones', () => {
    const seconds = parseWholeUnits('--window', z.number().int().min(0).max(300_000), SECONDS_OF_MS);
    expect(seconds('300')).toBe(300);
    expect(refusal(seconds, '301')).toBe('--window is whole seconds from 0 to 300, got "301".');
    expect(refusal(seconds, '1.5')).toContain('got "1.5"');
  });

  it('refuse a value outside the choices as commander does, but with exit 2', () => {
    const mode = parseChoice(['auto', 'single'] as const);
    expect(mode('single')).toBe('single');
    expect(refusal(mode, 'fast')).toBe('Allowed choices are auto, single.');
  });

  it('describe any schema rule in one sentence', () => {
    const parse = parseBySchema('--x', z.number().gt(0).lt(1), { convert: toNumber });
    expect(refusal(parse, '2')).toBe('--x is a number > 0 and < 1, got "2".');
  });
});
