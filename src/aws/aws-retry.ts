import { PipelineError } from '../errors/pipeline-error.ts';
import {
  type BackoffPolicy,
  backoffDelayMs,
  DEFAULT_BACKOFF,
  isRetryableAwsError,
  sleep,
} from './backoff.ts';

/** How an AWS call is retried. */
export interface RetryPolicy {
  /** @default DEFAULT_BACKOFF */
  readonly backoff?: BackoffPolicy;
  /** Attempts per call (retries + 1). @default 8 */
  readonly maxAttempts?: number;
  /** Tests pass a fake, so that retries never wait on the wall clock. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Aborting cuts a wait between attempts short. */
  readonly signal?: AbortSignal;
}

/** An AWS call failed for good: refused, or still throttled after every retry. */
export class AwsRequestError extends PipelineError {
  constructor(message: string, cause: unknown) {
    super('aws', 'AWS_REQUEST_FAILED', message, { cause });
  }
}

/**
 * One AWS call, retried with the repository's full-jitter backoff after throttling, 5xx and dropped
 * connections; anything else, or the last failure, is an AwsRequestError saying which call (`what`), why, and
 * `advice` for that error. Build SDK clients with `maxAttempts: 1` so that retries do not multiply.
 */
export async function withRetries<T>(
  what: string,
  request: () => Promise<T>,
  policy: RetryPolicy = {},
  advice: (error: unknown) => string = () =>
    'Check the credentials (--profile or AWS_PROFILE) and that they allow this call.',
): Promise<T> {
  const { backoff = DEFAULT_BACKOFF, maxAttempts = 8, sleep: wait = sleep, signal } = policy;
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (attempt < maxAttempts && isRetryableAwsError(error) && !signal?.aborted) {
        await wait(backoffDelayMs(attempt, backoff), signal);
        continue;
      }
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new AwsRequestError(
        `${what} failed${attempt > 1 ? ` after ${attempt} attempts` : ''}: ${reason}. ${advice(error)}`,
        error,
      );
    }
  }
}
