import type { TransformHandler } from './transform-invoker.ts';

/**
 * The transform as the local delivery calls it: its per-invocation log line (CloudWatch's on AWS) goes to
 * `onLog` instead of stdout, which the live status line owns. The handler runs synchronously to its end, so
 * swapping console.log around the call catches exactly its lines.
 */
export function quietTransform(handler: TransformHandler, onLog: (line: string) => void): TransformHandler {
  return (event) => {
    const log = console.log;
    console.log = (...parts: unknown[]) => onLog(parts.map(String).join(' '));
    try {
      return handler(event);
    } finally {
      console.log = log;
    }
  };
}
