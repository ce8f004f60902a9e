import { type RunStatus, writeRunStatus } from '../local/run-status.ts';
import type { LiveStatus, RunSummary } from './local-pipeline-events.ts';

/**
 * The words `<data-dir>/up-status.json` keeps a run in: the caller's (the CLI's), as `gadget-cdc status` and the
 * dashboard show them as they are.
 */
export interface RunStatusWords {
  /** The live line; `undefined` before the first change is written. */
  live(live: LiveStatus | undefined): string;
  /** The closing lines of a run that drained and was checked. */
  summary(summary: RunSummary): string[];
}

/** Keeps a run's state in its data dir's status file, replaced whole on each publish. */
export class RunStatusPublisher {
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly dataDir: string,
    private readonly words: RunStatusWords,
  ) {}

  publish(state: RunStatus['state'], live: LiveStatus | undefined, summary?: RunSummary): void {
    writeRunStatus(this.dataDir, {
      pid: process.pid,
      startedAt: this.startedAt,
      updatedAt: new Date().toISOString(),
      state,
      line: this.words.live(live),
      ...(summary && { summary: this.words.summary(summary) }),
    });
  }
}
