import { describe, expect, it } from 'vitest';
import { InvalidOptionError, PipelineError } from '../errors/pipeline-error.ts';
import { errorLine, exitCodeFor, traceOf, verboseRequested } from './error-report.ts';

describe('error report', () => {
  it('prints an error raised on purpose as its message, on one line', () => {
    expect(errorLine(new PipelineError('cli', 'X', 'The thing at /a failed.\nDo this.'))).toBe(
      'error: The thing at /a failed. Do this.',
    );
  });

  it('names anything else as unexpected, with its kind, and points to --verbose', () => {
    expect(errorLine(new TypeError('x is not a function'))).toBe(
      'error: unexpected TypeError: x is not a function (run with --verbose for the trace)',
    );
    expect(errorLine('a string')).toBe(
      'error: unexpected string: a string (run with --verbose for the trace)',
    );
  });

  it('exits 2 for an invalid option, 1 for anything else', () => {
    expect(exitCodeFor(new InvalidOptionError('cli', 'bad'))).toBe(2);
    expect(exitCodeFor(new Error('x'))).toBe(1);
  });

  it('is verbose with --verbose before any `--`, or GADGET_CDC_VERBOSE=1', () => {
    expect(verboseRequested(['node', 'cli', 'status', '--verbose'], {})).toBe(true);
    expect(verboseRequested(['node', 'cli', 'query', '--', '--verbose'], {})).toBe(false);
    expect(verboseRequested(['node', 'cli', 'status'], { GADGET_CDC_VERBOSE: '1' })).toBe(true);
    expect(verboseRequested(['node', 'cli', 'status'], { GADGET_CDC_VERBOSE: '0' })).toBe(false);
  });

  it('traces the error and each of its causes', () => {
    const cause = new Error('inner');
    const trace = traceOf(new PipelineError('cli', 'X', 'outer', { cause }));
    expect(trace).toMatch(/^PipelineError: outer\n\s+at /);
    expect(trace).toMatch(/\ncaused by: Error: inner\n\s+at /);
  });
});
