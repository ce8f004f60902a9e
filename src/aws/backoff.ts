import { EndpointUnreachableError } from './connection-error.ts';

/** Retry pacing shared by every stage that calls AWS: exponential backoff with full jitter. */
export interface BackoffPolicy {
  /** First retry waits up to this long. */
  readonly baseDelayMs: number;
  /** No single wait is longer than this. */
  readonly maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseDelayMs: 25, maxDelayMs: 2_000 };

/**
 * Delay before retry number `attempt` (1-based): uniform in [0, min(max, base·2^(attempt-1))] ("full jitter"
 * in AWS's Architecture Blog terms), so many writers that failed together do not retry together.
 */
export function backoffDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Error names AWS uses for "slow down", which are always worth retrying (CloudWatch says Throttling, S3 SlowDown). */
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'SlowDown',
  'RequestLimitExceeded',
  'LimitExceededException',
  'TooManyRequestsException',
]);

/** True for throttling, server-side (5xx) and connection failures; false for request errors the caller must fix. */
export function isRetryableAwsError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (THROTTLING.has(error.name) || error instanceof EndpointUnreachableError) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  const code = (error as { code?: string }).code;
  return code === 'ECONNRESET' || code === 'ECONNREFUSED' || code === 'EPIPE' || code === 'ETIMEDOUT';
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
