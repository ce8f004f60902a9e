import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.ts';

describe('RateLimiter', () => {
  it('hands out tokens at the rate, capped at the burst', async () => {
    let now = 0;
    const limiter = new RateLimiter(100, 25, () => now);
    expect(await limiter.acquire(25)).toBe(1);
    now += 100; // 10 tokens accrue
    expect(await limiter.acquire(25)).toBe(10);
    now += 10_000; // far more than the burst
    expect(await limiter.acquire(100)).toBe(25);
    limiter.refund(5);
    expect(await limiter.acquire(100)).toBe(5);
  });

  it('never limits at an infinite rate', async () => {
    const limiter = new RateLimiter(Number.POSITIVE_INFINITY, 25, () => 0);
    expect(await limiter.acquire(25)).toBe(25);
    expect(await limiter.acquire(25)).toBe(25);
  });

  it('waits for the next token, and gives up with 0 once aborted', async () => {
    const limiter = new RateLimiter(1_000, 1);
    await limiter.acquire(1);
    expect(await limiter.acquire(1)).toBe(1); // ~1 ms later
    const controller = new AbortController();
    const slow = new RateLimiter(0.001, 1);
    await slow.acquire(1);
    const pending = slow.acquire(1, controller.signal);
    controller.abort();
    expect(await pending).toBe(0);
  });
});
