import { sleep } from '../aws/backoff.ts';

const PROBE_TIMEOUT_MS = 2_000;

/**
 * Polls `probe` until it resolves, `exited` settles (the server died), or `timeoutMs` passes. Each probe
 * gets at most 2 s, so a port held by something that accepts connections but never answers cannot hang us.
 * Returns undefined on success, or the reason it gave up.
 */
export async function waitUntilAnswering(
  probe: () => Promise<unknown>,
  exited: Promise<unknown>,
  timeoutMs: number,
): Promise<string | undefined> {
  const died = exited.then(() => 'died' as const);
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let delayMs = 20; Date.now() < deadline; delayMs = Math.min(delayMs * 2, 250)) {
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      probe().then(
        () => 'answered' as const,
        (error: unknown) => {
          lastError = error;
          return 'failed' as const;
        },
      ),
      died,
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(resolve, PROBE_TIMEOUT_MS, 'timeout');
      }),
    ]);
    clearTimeout(timer);
    if (outcome === 'answered') return undefined;
    if (outcome === 'died') return 'the process exited';
    if (outcome === 'timeout') lastError = `no response within ${PROBE_TIMEOUT_MS} ms`;
    await Promise.race([sleep(delayMs), died]);
  }
  return `no answer within ${timeoutMs} ms (last error: ${String(lastError)})`;
}
