/**
 * Ctrl-C handling for long-running commands: the first SIGINT/SIGTERM aborts the returned signal so the
 * command drains and stops cleanly; a second one exits at once (local servers still stop, because they
 * watch their parent: see local/supervised-process.ts).
 */
export function abortOnInterrupt(onFirst?: (signal: NodeJS.Signals) => void): {
  signal: AbortSignal;
  dispose(): void;
} {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write('\nStopping now without draining.\n');
      process.exit(130);
    }
    onFirst?.(signal);
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
