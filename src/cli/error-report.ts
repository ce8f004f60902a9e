import { PipelineError } from '../errors/pipeline-error.ts';

/**
 * How a command that failed ends: one line on stderr saying what went wrong, where and what to do, and the
 * stack trace only when asked for (`--verbose` or GADGET_CDC_VERBOSE=1). Errors raised on purpose
 * (PipelineError) carry that line as their message; anything else is named as unexpected.
 */

/** True when `--verbose` is on the command line (before any `--`) or GADGET_CDC_VERBOSE=1 is set. */
export function verboseRequested(
  argv: readonly string[] = process.argv,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--verbose') || env.GADGET_CDC_VERBOSE === '1';
}

/** The single `error: …` line for a failure. */
export function errorLine(error: unknown): string {
  if (error instanceof PipelineError) return `error: ${oneLine(error.message)}`;
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  return `error: unexpected ${name}: ${oneLine(message)} (run with --verbose for the trace)`;
}

/** 2 for an invalid option value found after parsing (InvalidOptionError), 1 for anything else. */
export function exitCodeFor(error: unknown): number {
  return error instanceof PipelineError && error.code === 'INVALID_OPTION' ? 2 : 1;
}

/** The error's stack trace followed by each cause's, for --verbose. */
export function traceOf(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  for (let current: unknown = error; current !== undefined && !seen.has(current); ) {
    seen.add(current);
    const text = current instanceof Error ? (current.stack ?? String(current)) : String(current);
    parts.push(parts.length === 0 ? text : `caused by: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n');
}

/** Prints the failure (its line, and its trace when verbose) to stderr and returns the exit code. */
export function reportFailure(error: unknown, verbose: boolean): number {
  console.error(errorLine(error));
  if (verbose) console.error(traceOf(error));
  return exitCodeFor(error);
}

/** Joins a multi-line message into one line (DuckDB's and the SDK's messages span several). */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
