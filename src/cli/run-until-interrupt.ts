import { abortOnInterrupt } from './interrupt.ts';
import { StatusLine } from './status-line.ts';

/** What `pipe` and `deliver` say while their worker runs. */
export interface WorkerWords {
  /** The first line: what runs, from where to where. */
  readonly starting: string;
  /** Said on Ctrl-C, while the worker finishes what it holds. */
  readonly stopping: string;
  /** The live line, four times a second. */
  readonly status: () => string;
  /** The last line, once the worker has stopped. */
  readonly summary: () => string;
}

/**
 * Runs a stage's worker until it ends or Ctrl-C stops it (cleanly: `stop` finishes what is in flight), with a
 * live status line on the terminal, then prints its summary.
 */
export async function runUntilInterrupt(
  worker: { start(): Promise<void>; stop(): Promise<void> },
  words: WorkerWords,
): Promise<void> {
  const line = new StatusLine();
  const interrupt = abortOnInterrupt(() => line.update(words.stopping, true));
  interrupt.signal.addEventListener('abort', () => void worker.stop(), { once: true });
  console.error(words.starting);
  const timer = setInterval(() => line.update(words.status()), 250);
  try {
    await worker.start();
  } finally {
    clearInterval(timer);
    line.update(words.status(), true);
    line.done();
    interrupt.dispose();
  }
  console.log(words.summary());
}
