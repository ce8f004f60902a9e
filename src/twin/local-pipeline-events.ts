import type { DeliveryMetrics } from '../delivery/delivery-metrics.ts';
import type { GeneratorProgress, GeneratorRun } from '../generator/generate-orders.ts';
import type { PeriodicCompaction } from '../lake/periodic-compaction.ts';
import type { FreshnessSummary } from '../observe/change-freshness.ts';
import type { CurrentOrdersCheck } from '../observe/current-orders-check.ts';
import type { StageCounts } from '../observe/stage-counts.ts';
import type { PipeMetrics } from '../pipe/pipe-metrics.ts';
import type { PipeEvent } from '../pipe/shard-reader.ts';

/** Where a run stands while it generates and drains. */
export interface LiveStatus {
  readonly progress: GeneratorProgress;
  /** Each stage's count and what it still owes the next. */
  readonly counts: StageCounts;
  /** The delivery's own counters: lake freshness, objects written, a lake write failing. */
  readonly delivery: DeliveryMetrics;
}

/**
 * What a resumed run's pipe and delivery took over from an earlier run (each stage counts what it did in this
 * run, going on from its checkpoints): why their counts exceed this run's. Both 0 when the counts match.
 */
export interface CarriedOver {
  /** Changes an earlier run wrote, captured by this run's pipe. */
  readonly captured: number;
  /** Records an earlier run put on Kinesis, taken by this run's delivery. */
  readonly delivered: number;
}

/** How a drained run ends: what it carried over, how fresh the lake was, and the central invariant's check. */
export interface RunSummary {
  readonly carriedOver: CarriedOver;
  readonly freshness: FreshnessSummary;
  readonly check: CurrentOrdersCheck;
}

/** The compaction's totals over a run. */
export type CompactionTotals = Pick<
  PeriodicCompaction,
  'runs' | 'objectsMerged' | 'objectsWritten' | 'snapshots' | 'objectsAbsorbed'
>;

/** A stage a drain waits for. */
export type DrainedStage = 'pipe' | 'delivery';

/** What happens in a local pipeline run, in the order it happens (src/twin/local-pipeline.ts). */
export type LocalPipelineEvent =
  /** A line src/twin/stack-start.ts words as it starts the stack: where each server, the table and the stream are. */
  | { readonly type: 'stack-line'; readonly line: string }
  /** Something the pipe's shard readers report (a renewed iterator, a gap, a retry). */
  | { readonly type: 'pipe-event'; readonly event: PipeEvent }
  /** A WARN log line of the transform (its JSON): values a column cannot hold. */
  | { readonly type: 'transform-warning'; readonly line: string }
  | { readonly type: 'dashboard-started'; readonly url: string }
  /** The generator starts writing; the delivery lands what the pipe captures in `lakeDir`. */
  | { readonly type: 'generating-started'; readonly lakeDir: string }
  /** Four times a second from the first change written until the run stops. */
  | { readonly type: 'live'; readonly live: LiveStatus }
  | { readonly type: 'generator-finished'; readonly run: GeneratorRun; readonly live: LiveStatus }
  /** The generator wrote all `count` changes of a run not bounded by exitWhenDrained: the stages run on until the signal. */
  | { readonly type: 'running-on'; readonly count: number | undefined }
  /** A stage did not catch up with its source within `waitedMs` of the drain; it resumes on the next run. */
  | { readonly type: 'stage-behind'; readonly stage: DrainedStage; readonly waitedMs: number }
  | { readonly type: 'pipe-drained'; readonly metrics: PipeMetrics }
  | { readonly type: 'delivery-drained'; readonly metrics: DeliveryMetrics; readonly lakeDir: string }
  /** A compaction round failed; the next one tries again. */
  | { readonly type: 'compaction-failed'; readonly error: unknown }
  | { readonly type: 'compaction-finished'; readonly totals: CompactionTotals }
  | { readonly type: 'checked'; readonly summary: RunSummary }
  | { readonly type: 'stack-stopped' };

export type LocalPipelineListener = (event: LocalPipelineEvent) => void;
