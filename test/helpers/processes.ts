import { isPortFree } from '../../src/local/free-port.ts';
import { isAlive } from '../../src/local/stack-lock.ts';

/** Polls `condition` every 50 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until none of `pids` runs and every endpoint's port is free again. */
export async function waitUntilGone(
  pids: readonly number[],
  endpoints: readonly string[],
  timeoutMs = 20_000,
) {
  const ports = endpoints.map((endpoint) => Number(new URL(endpoint).port));
  await waitFor(async () => {
    if (pids.some(isAlive)) return false;
    const free = await Promise.all(ports.map((port) => isPortFree(port)));
    return free.every(Boolean);
  }, timeoutMs);
  return {
    alivePids: pids.filter(isAlive),
    busyPorts: (
      await Promise.all(ports.map(async (port) => ((await isPortFree(port)) ? undefined : port)))
    ).filter((port) => port !== undefined),
  };
}
