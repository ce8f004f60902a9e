import { sleep } from '../aws/backoff.ts';

/**
 * Waits until a worker has caught up with its source: `progress()` (its counters) unchanged and `behind()`
 * zero for `quietMs` — longer than a poll, so an idle read has happened. False after `timeoutMs`, or at once
 * when `signal` aborts.
 */
export async function waitUntilQuiet(
  progress: () => string,
  behind: () => number,
  options: { readonly quietMs?: number; readonly timeoutMs?: number; readonly signal?: AbortSignal } = {},
): Promise<boolean> {
  const { quietMs = 1_000, timeoutMs = 30_000, signal } = options;
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let quietSince = Date.now();
  while (Date.now() < deadline && !signal?.aborted) {
    const now = progress();
    if (now !== last || behind() > 0) {
      last = now;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= quietMs) return true;
    await sleep(50, signal);
  }
  return false;
}
