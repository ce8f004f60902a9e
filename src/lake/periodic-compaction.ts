import { type CompactionResult, compactLake } from './compact.ts';
import type { FolderStore } from './object-store.ts';

/**
 * Compacts the lake every `everyMs` while a delivery writes to it, so a long run does not pile up one small
 * object per flush (Firehose's small-files problem: every query would open them all). Never two at once;
 * `stop` waits for the one in progress. A failure is reported and the next round tries again.
 */
export class PeriodicCompaction {
  runs = 0;
  objectsMerged = 0;
  objectsWritten = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly lake: FolderStore,
    private readonly everyMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.compact().finally(() => {
        this.running = undefined;
      });
    }, this.everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Stops, then merges once more: call after the delivery's last write, so the run leaves a compact lake. */
  async finish(): Promise<void> {
    await this.stop();
    await this.compact();
  }

  private async compact(): Promise<void> {
    let results: CompactionResult[];
    try {
      results = await compactLake(this.lake);
    } catch (error) {
      this.onError(error);
      return;
    }
    if (results.length === 0) return;
    this.runs++;
    this.objectsMerged += results.reduce((sum, result) => sum + result.filesBefore, 0);
    this.objectsWritten += results.length;
  }
}
