import { describe, expect, it } from 'vitest';
import { newWriteStats } from '../generator/write-stats.ts';
import { formatGeneratorProgress, rateShortfall } from './generator-report.ts';

describe('the generator’s rate against --rate', () => {
  it('says when the achieved rate falls well short, and why when it is known', () => {
    const stats = newWriteStats();
    expect(rateShortfall(200, 190, stats)).toBe('');
    expect(rateShortfall('max', 42, stats)).toBe('');
    expect(rateShortfall(undefined, 42, stats)).toBe('');
    expect(rateShortfall(200, 42, stats)).toBe('asked 200/s, but the table takes writes no faster here');
    expect(rateShortfall(200, 42, { ...stats, throttled: 17 })).toBe(
      'asked 200/s, but DynamoDB throttled 17 writes',
    );
  });

  it('shows it on the live line once the run is past its first seconds', () => {
    const stats = { ...newWriteStats(), written: { insert: 84, update: 0, delete: 0 } };
    expect(formatGeneratorProgress({ stats, elapsedMs: 1_000 }, undefined, 200)).toBe(
      '84 changes · 84/s · +84 ~0 -0',
    );
    expect(formatGeneratorProgress({ stats, elapsedMs: 6_000 }, undefined, 200)).toBe(
      '84 changes · 14/s (asked 200/s, but the table takes writes no faster here) · +84 ~0 -0',
    );
  });

  it('draws the way to --count as a bar for the terminal only', () => {
    const stats = { ...newWriteStats(), written: { insert: 50, update: 0, delete: 0 } };
    expect(formatGeneratorProgress({ stats, elapsedMs: 1_000 }, 100)).toBe(
      '[############------------]  50% 50/100 · 50/s · +50 ~0 -0',
    );
    expect(formatGeneratorProgress({ stats, elapsedMs: 1_000 }, 100, undefined, { bar: false })).toBe(
      '50/100 · 50/s · +50 ~0 -0',
    );
  });
});
