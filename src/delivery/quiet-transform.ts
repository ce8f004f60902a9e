import type { TransformHandler } from './transform-invoker.ts';

/**
 * The transform as the local delivery calls it: its per-invocation log line (CloudWatch's on AWS, written to
 * stdout) goes to `onLog` instead, as the live status line owns the terminal. The handler runs synchronously to
 * its end, so swapping stdout's write around the call catches exactly its lines.
 */
export function quietTransform(handler: TransformHandler, onLog: (line: string) => void): TransformHandler {
  return (event) => {
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array) => {
      onLog(String(chunk).replace(/\n$/, ''));
      return true;
    }) as typeof process.stdout.write;
    try {
      return handler(event);
    } finally {
      process.stdout.write = write;
    }
  };
}
