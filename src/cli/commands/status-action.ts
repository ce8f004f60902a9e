import type { SourceCheckpoint } from '../../checkpoint/shard-checkpoints.ts';
import type { CheckpointStage } from '../../local/data-dir.ts';
import { describeRunState } from '../../local/run-status.ts';
import { type LakeReport, type LastRun, type StatusReport, statusReport } from '../../twin/status-report.ts';

/** `gadget-cdc status` over a data dir that holds a pipeline: its report, whole even when a part cannot be read. */
export async function statusAction(dataDir: string): Promise<void> {
  const report = await statusReport(dataDir);
  console.log(statusLines(report).join('\n'));
  // The rest of the report is shown; the first part that could not be read ends the command with its error.
  if (report.problems[0]) throw report.problems[0];
}

/** The report as lines, in the order the command prints them. */
function statusLines(report: StatusReport, now = Date.now()): string[] {
  const { stack } = report;
  return [
    `Data dir ${report.dataDir}`,
    stack
      ? `  local stack: running (pid ${stack.pid}) — DynamoDB Local ${stack.dynamodbEndpoint}, Kinesis ${stack.kinesisEndpoint}`
      : '  local stack: stopped',
    ...lastRunLines(report.lastRun, now),
    ...checkpointLines('pipe', report.checkpoints.pipe, stack !== undefined),
    ...checkpointLines('delivery', report.checkpoints.delivery, stack !== undefined),
    ...lakeLines(report.lake, now),
  ];
}

function lastRunLines(lastRun: LastRun, now: number): string[] {
  switch (lastRun.kind) {
    case 'none':
      return ['  up: no run recorded in this data dir'];
    case 'unreadable':
      return [`  up: the last run's report ${lastRun.file} cannot be read (see the error below)`];
    case 'recorded':
      return [
        `  up: ${describeRunState(lastRun.status, now)}`,
        `    ${lastRun.status.line}`,
        ...(lastRun.status.summary ?? []).map((line) => `    ${line}`),
      ];
  }
}

/**
 * One line per shard. A shard's in-flight mark is a batch on its way while the stack runs, and what a crash
 * left (to be replayed) once it does not.
 */
function checkpointLines(
  stage: CheckpointStage,
  checkpoints: readonly SourceCheckpoint[],
  running: boolean,
): string[] {
  if (checkpoints.length === 0) return [`  ${stage}: no checkpoints yet`];
  return checkpoints.map(({ source, checkpoint }) => {
    const state = checkpoint.finished ? 'finished' : (checkpoint.sequenceNumber ?? 'nothing yet');
    const replay = !checkpoint.inFlightThrough
      ? ''
      : running
        ? ` (a batch up to ${checkpoint.inFlightThrough} on its way)`
        : ` (a crash left records up to ${checkpoint.inFlightThrough} in flight: the next run sends them again)`;
    return `  ${stage} ${source} ${checkpoint.shardId}: ${state}, at ${checkpoint.updatedAt}${replay}`;
  });
}

function lakeLines(lake: LakeReport, now: number): string[] {
  const { summary } = lake;
  const freshness =
    summary.newestChangeMs === undefined
      ? 'no changes yet'
      : `newest change written ${((now - summary.newestChangeMs) / 1000).toFixed(1)} s ago`;
  return [
    `  lake ${lake.dir}: ${lake.objects} objects, ${(lake.bytes / 1024 / 1024).toFixed(2)} MiB; ${summary.events} change events ` +
      `(${summary.inserts} INSERT, ${summary.modifies} MODIFY, ${summary.removes} REMOVE), ` +
      (summary.snapshots > 0 ? `${summary.snapshots} backfill snapshots, ` : '') +
      `${summary.duplicateDeliveries} duplicate deliveries; ${summary.currentOrders} orders in current_orders; ${freshness}`,
    ...(summary.unrepresentable > 0
      ? [
          `  ${summary.unrepresentable} change events have a value a column cannot hold (NULL there and named in ` +
            '`unrepresentable`, exact in image_json)',
        ]
      : []),
  ];
}
