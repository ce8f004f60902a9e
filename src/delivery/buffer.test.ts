import { describe, expect, it } from 'vitest';
import { HintedBuffer } from './buffer.ts';

describe('HintedBuffer', () => {
  it('is due once it holds the size hint', () => {
    const buffer = new HintedBuffer<string>({ sizeBytes: 10, intervalMs: 60_000 });
    buffer.add('a', 6, 0);
    expect(buffer.isDue(1)).toBe(false);
    buffer.add('b', 4, 2);
    expect(buffer.isDue(2)).toBe(true);
    expect(buffer.take()).toEqual(['a', 'b']);
    expect(buffer.isDue(3)).toBe(false);
  });

  it('is due when its oldest entry has waited the interval hint, counted from that entry', () => {
    const buffer = new HintedBuffer<string>({ sizeBytes: 1_000, intervalMs: 900 });
    expect(buffer.dueAt()).toBe(Number.POSITIVE_INFINITY);
    buffer.add('a', 1, 100);
    buffer.add('b', 1, 800);
    expect(buffer.dueAt()).toBe(1_000);
    expect(buffer.isDue(999)).toBe(false);
    expect(buffer.isDue(1_000)).toBe(true);
    buffer.take();
    buffer.add('c', 1, 5_000);
    expect(buffer.dueAt()).toBe(5_900);
  });
});
