import type { DeliveryMetrics } from '../delivery/delivery-metrics.ts';
import type { GeneratorOptions } from '../generator/generator-options.ts';
import { formatFreshness } from '../observe/change-freshness.ts';
import { formatCheck, formatExamples } from '../observe/current-orders-check.ts';
import type { PipeMetrics } from '../pipe/pipe-metrics.ts';
import type { PipeEvent } from '../pipe/shard-reader.ts';
import type {
  CarriedOver,
  CompactionTotals,
  DrainedStage,
  LiveStatus,
  RunSummary,
} from '../twin/local-pipeline-events.ts';
import { formatGeneratorProgress } from './generator-report.ts';

/**
 * The live line of a pipeline run: the generator's progress, then each stage's count and what it still owes
 * the next; "freshness" is Firehose's DataFreshness (the age of the oldest record not yet in the lake).
 */
export function formatLiveStatus(
  live: LiveStatus,
  generator: Pick<GeneratorOptions, 'count' | 'rate'>,
  options: { bar?: boolean } = {},
): string {
  const { counts, delivery } = live;
  return (
    `${formatGeneratorProgress(live.progress, generator.count, generator.rate, options)}` +
    ` · captured ${counts.captured} (${counts.capturedBehind} behind)` +
    ` · delivered ${counts.delivered} (${counts.deliveredBehind} behind, freshness ${(delivery.dataFreshnessMs / 1000).toFixed(1)} s)` +
    ` · failed ${counts.failed} · ${delivery.objectsWritten} files` +
    (delivery.lastWriteError ? ` · lake write failing, retrying: ${delivery.lastWriteError}` : '')
  );
}

/** Why a resumed run's stage counts differ from what it generated; '' when they match. */
export function formatCarriedOver(carried: CarriedOver): string {
  const parts = [
    ...(carried.captured > 0 ? [`the pipe captured ${carried.captured} changes an earlier run wrote`] : []),
    ...(carried.delivered > 0
      ? [`the delivery took ${carried.delivered} records an earlier run put on Kinesis`]
      : []),
  ];
  return parts.length > 0 ? `Carried over from an earlier run: ${parts.join('; ')}.` : '';
}

/** The closing lines of a drained run: what it carried over (if anything), freshness, the invariant's check. */
export function formatRunSummary(summary: RunSummary): string[] {
  const carried = formatCarriedOver(summary.carriedOver);
  return [
    ...(carried ? [carried] : []),
    formatFreshness(summary.freshness),
    formatCheck(summary.check),
    ...formatExamples(summary.check),
  ];
}

export function formatStageBehind(stage: DrainedStage, waitedMs: number): string {
  return `The ${stage} did not catch up within ${(waitedMs / 1000).toFixed(0)} s; it resumes on the next run.`;
}

/** The pipe's end-of-run lines: what went through, what was retried, and anything lost upstream. */
export function formatPipeSummary(metrics: PipeMetrics): string {
  const put = metrics.put;
  const lines = [
    `Pipe stopped: ${metrics.recordsPut} changes put on Kinesis (${metrics.recordsRead} read, ${metrics.replayed} replayed after a crash)`,
    `  PutRecords calls ${put.calls}, entries retried ${put.entriesRetried}, calls retried ${put.callsRetried}, iterators renewed ${metrics.iteratorsRenewed}`,
  ];
  if (metrics.partitionKeyFallbacks > 0)
    lines.push(`  keyed by eventID (no partition key found): ${metrics.partitionKeyFallbacks}`);
  if (metrics.gaps > 0)
    lines.push(`  GAPS: ${metrics.gaps} (records trimmed from the source before they were read)`);
  return lines.join('\n');
}

export function formatPipeStatus(metrics: PipeMetrics): string {
  const shards = [...metrics.shards.values()];
  const reading = shards.filter((s) => s.state === 'reading').length;
  const retries = metrics.put.entriesRetried + metrics.put.callsRetried;
  return (
    `read ${metrics.recordsRead} · put ${metrics.recordsPut} · replayed ${metrics.replayed} · retries ${retries}` +
    ` · gaps ${metrics.gaps} · shards ${reading} reading/${shards.length} · behind ${(metrics.millisBehind / 1000).toFixed(1)} s`
  );
}

/** A pipe event on stderr, on a line of its own (a live line may be showing). */
export function printPipeEvent(event: PipeEvent): void {
  process.stderr.write(`\n[pipe ${event.level}] ${event.message}\n`);
}

/** A WARN line of the transform's log (values a column cannot hold), as the local twin shows it. */
export function printTransformWarning(line: string): void {
  process.stderr.write(`\n[transform] ${line}\n`);
}

export function formatDeliveryStatus(metrics: DeliveryMetrics): string {
  return (
    `in ${metrics.recordsIn} · rows ${metrics.ok} · failed ${metrics.processingFailed} · objects ${metrics.objectsWritten}` +
    ` · buffered ${metrics.bufferedRecords} · behind ${(metrics.millisBehind / 1000).toFixed(1)} s`
  );
}

export function formatDeliverySummary(metrics: DeliveryMetrics, lakeDir: string): string {
  const conversion =
    metrics.formatConversionFailed > 0 ? `, ${metrics.formatConversionFailed} failed Parquet conversion` : '';
  const unwritten =
    metrics.unwrittenAtStop > 0
      ? `. ${metrics.unwrittenAtStop} records could not be written (${metrics.lastWriteError}); ` +
        'the next start writes them, as its checkpoint stops before them'
      : '';
  return (
    `Delivery stopped: ${metrics.rowsWritten} rows in ${metrics.objectsWritten} objects under ${lakeDir}` +
    ` (${metrics.recordsIn} records in, ${metrics.dropped} dropped, ${metrics.processingFailed} to the error prefix` +
    `${conversion} in ${metrics.errorObjectsWritten} objects, ${metrics.invocations} transform invocations)${unwritten}`
  );
}

export function formatCompactionSummary(totals: CompactionTotals): string {
  return totals.runs === 0
    ? 'Compaction: nothing to merge yet.'
    : `Compaction: ${totals.objectsAbsorbed} objects folded into the current state in ${totals.snapshots} snapshots; ` +
        `${totals.objectsMerged} small objects merged into ${totals.objectsWritten}; ${totals.runs} rounds.`;
}

export function formatCompactionFailure(error: unknown): string {
  return `Compaction failed (it tries again): ${error instanceof Error ? error.message : String(error)}`;
}
