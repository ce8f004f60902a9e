import { sleep } from '../aws/backoff.ts';

/**
 * Token bucket pacing writes at `ratePerSecond` on average, with bursts up to `burst` tokens (one batch).
 * `Infinity` means no pacing. Time comes from an injectable monotonic clock.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = Math.min(1, burst);
    this.last = now();
  }

  /** Waits until at least one token is available, then takes up to `max` whole tokens and returns how many. */
  async acquire(max: number, signal?: AbortSignal): Promise<number> {
    if (this.ratePerSecond === Number.POSITIVE_INFINITY) return max;
    for (;;) {
      this.refill();
      if (this.tokens >= 1) {
        const taken = Math.min(max, Math.floor(this.tokens));
        this.tokens -= taken;
        return taken;
      }
      if (signal?.aborted) return 0;
      await sleep(((1 - this.tokens) * 1000) / this.ratePerSecond, signal);
    }
  }

  /** Returns tokens that were taken but not used. */
  refund(count: number): void {
    this.tokens = Math.min(this.burst, this.tokens + count);
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
    this.last = now;
  }
}
