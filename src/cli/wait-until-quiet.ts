import { sleep } from '../aws/backoff.ts';

/**
 * Waits until a worker has caught up with its source: `progress()` (its counters) unchanged and `behind()`
 * zero for `quietMs` — longer than a poll, so an idle read has happened. False after `timeoutMs`.
 */
export async function waitUntilQuiet(
  progress: () => string,
  behind: () => number,
  quietMs = 1_000,
  timeoutMs = 30_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    const now = progress();
    if (now !== last || behind() > 0) {
      last = now;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= quietMs) return true;
    await sleep(50);
  }
  return false;
}
