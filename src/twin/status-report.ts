import { existsSync } from 'node:fs';
import { DuckDbLake } from '../catalog/duckdb-lake.ts';
import { TABLE_PREFIX } from '../catalog/lake-layout.ts';
import { type LakeSummary, lakeSummary } from '../catalog/lake-summary.ts';
import { everySourceCheckpoint, type SourceCheckpoint } from '../checkpoint/shard-checkpoints.ts';
import type { PipelineError } from '../errors/pipeline-error.ts';
import { LocalDiskStore } from '../lake/local-disk-store.ts';
import { type CheckpointStage, checkpointFolder, lakeFolder } from '../local/data-dir.ts';
import { DamagedStateFileError } from '../local/local-stack-errors.ts';
import { type RunStatus, readRunStatus, runStatusFile } from '../local/run-status.ts';
import { findRunningStack, type StackRecord } from '../local/stack-lock.ts';

/** The last `up` run over a data dir, as its status file tells. */
export type LastRun =
  | { readonly kind: 'none' }
  | { readonly kind: 'recorded'; readonly status: RunStatus }
  /** The file is damaged: the report's problems hold why. */
  | { readonly kind: 'unreadable'; readonly file: string };

export interface LakeReport {
  readonly dir: string;
  /** Objects of the `orders_cdc` table and their bytes. */
  readonly objects: number;
  readonly bytes: number;
  readonly summary: LakeSummary;
}

/** What a data dir holds, running or stopped (`gadget-cdc status`). */
export interface StatusReport {
  readonly dataDir: string;
  /** The stack running from the data dir; undefined when none does. */
  readonly stack: StackRecord | undefined;
  readonly lastRun: LastRun;
  readonly checkpoints: Readonly<Record<CheckpointStage, readonly SourceCheckpoint[]>>;
  readonly lake: LakeReport;
  /** Parts of the data dir that could not be read; the report says so where they would be. */
  readonly problems: readonly PipelineError[];
}

/**
 * Gathers the report on an existing data dir. A damaged run status file is a problem the rest of the report
 * goes on without; a damaged checkpoint or lake object throws.
 */
export async function statusReport(dataDir: string): Promise<StatusReport> {
  const problems: PipelineError[] = [];
  const stack = await findRunningStack(dataDir);
  let lastRun: LastRun;
  try {
    const status = readRunStatus(dataDir);
    lastRun = status ? { kind: 'recorded', status } : { kind: 'none' };
  } catch (error) {
    if (!(error instanceof DamagedStateFileError)) throw error;
    lastRun = { kind: 'unreadable', file: runStatusFile(dataDir) };
    problems.push(error);
  }
  const checkpoints = {
    pipe: await everySourceCheckpoint(checkpointFolder(dataDir, 'pipe')),
    delivery: await everySourceCheckpoint(checkpointFolder(dataDir, 'delivery')),
  };
  const lake = await lakeReport(lakeFolder(dataDir));
  return { dataDir, stack, lastRun, checkpoints, lake, problems };
}

async function lakeReport(dir: string): Promise<LakeReport> {
  const engine = await DuckDbLake.open(dir);
  try {
    const objects = existsSync(dir) ? await new LocalDiskStore(dir).list(TABLE_PREFIX) : [];
    return {
      dir,
      objects: objects.length,
      bytes: objects.reduce((sum, object) => sum + object.size, 0),
      summary: await lakeSummary(engine),
    };
  } finally {
    engine.close();
  }
}
