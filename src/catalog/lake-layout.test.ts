import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  DATA_OUTPUT_PREFIX,
  ERROR_OUTPUT_PREFIX,
  errorTypePrefix,
  partitionDate,
  partitionOf,
  partitionPrefix,
} from './lake-layout.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** The product's TypeScript (not its tests), with comments taken out. */
function productSources(): Array<{ file: string; code: string }> {
  const files = ['src', 'infra'].flatMap((root) =>
    readdirSync(join(repo, root), { recursive: true })
      .map(String)
      .filter((name) => name.endsWith('.ts') && !/\.test\.ts$|\.contract\.ts$/.test(name))
      .map((name) => join(repo, root, name)),
  );
  return files.map((file) => ({
    file: relative(repo, file),
    code: readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, ''),
  }));
}

describe('the lake layout', () => {
  it('is spelled in one module: no other product file writes its prefixes', () => {
    const spelled = productSources()
      .filter(({ code }) => /orders_cdc\/|['"`]errors\/|dt=|source-backup\//.test(code))
      .map(({ file }) => file);
    expect(spelled).toEqual(['src/catalog/lake-layout.ts']);
  });

  it('names partitions and error folders as Firehose evaluates its prefixes', () => {
    expect(DATA_OUTPUT_PREFIX).toBe('orders_cdc/dt=!{partitionKeyFromLambda:dt}/');
    expect(ERROR_OUTPUT_PREFIX).toBe('errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/');
    expect(partitionPrefix('2026-12-01')).toBe('orders_cdc/dt=2026-12-01/');
    expect(partitionDate(Date.UTC(2026, 11, 1, 23, 59, 59, 999))).toBe('2026-12-01');
    expect(errorTypePrefix('format-conversion-failed')).toBe('errors/format-conversion-failed/');
    expect(partitionOf('orders_cdc/dt=2026-12-01/a.parquet')).toEqual({
      prefix: 'orders_cdc/dt=2026-12-01/',
      date: '2026-12-01',
    });
    expect(partitionOf('orders_cdc/dt=2026-12-01/deeper/a.parquet')).toBeUndefined();
    expect(partitionOf('errors/processing-failed/2026/12/01/00/a.json')).toBeUndefined();
  });
});
