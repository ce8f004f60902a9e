import type { ChangeMix } from './change-mix.ts';
import type { GeneratorConfig, WriteMode } from './generator-config.ts';

/** What shapes the generated changes, as `generate` and `up` take it (their table comes with other options). */
export interface GeneratorOptions {
  rate: number | 'max';
  count?: number;
  seed?: string | number;
  mix: ChangeMix;
  writeMode: WriteMode;
  concurrency: number;
}

/** The generator's configuration for writing to `tableName` with these options. */
export function generatorConfig(tableName: string, options: GeneratorOptions): Partial<GeneratorConfig> {
  return {
    tableName,
    ratePerSecond: options.rate,
    count: options.count,
    seed: options.seed,
    mix: options.mix,
    writeMode: options.writeMode,
    concurrency: options.concurrency,
  };
}
