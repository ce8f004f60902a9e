import { compactLake, type LakeCompaction, PERIODIC_FOLD_FRACTION } from './compact.ts';
import type { FolderStore } from './object-store.ts';

/**
 * Compacts the lake every `everyMs` while a delivery writes to it, so the current state stays a snapshot plus a
 * delta under 1% of it (folded only then: a fold rewrites the snapshot) and a long run does not pile up one
 * small object per flush (Firehose's small-files problem: every query would open them all). Never two at once;
 * `stop` waits for the one in progress. A failure is reported and the next round tries again.
 */
export class PeriodicCompaction {
  /** Rounds that did something. */
  runs = 0;
  objectsMerged = 0;
  objectsWritten = 0;
  /** Current-state snapshots made, and the `orders_cdc` objects they absorbed. */
  snapshots = 0;
  objectsAbsorbed = 0;
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
    let result: LakeCompaction;
    try {
      result = await compactLake(this.lake, { foldAtFraction: PERIODIC_FOLD_FRACTION });
    } catch (error) {
      this.onError(error);
      return;
    }
    const { snapshot, partitions } = result;
    if (!snapshot && partitions.length === 0) return;
    this.runs++;
    this.objectsMerged += partitions.reduce((sum, partition) => sum + partition.filesBefore, 0);
    this.objectsWritten += partitions.length;
    if (snapshot) {
      this.snapshots++;
      this.objectsAbsorbed += snapshot.objectsAbsorbed;
    }
  }
}
