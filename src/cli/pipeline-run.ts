import { type CurrentOrdersCheck, checkCurrentOrders, formatCheck } from '../catalog/current-orders-check.ts';
import { DuckDbLake } from '../catalog/duckdb-lake.ts';
import { DashboardServer } from '../dashboard/dashboard-server.ts';
import type { DeliveryMetrics } from '../delivery/delivery-worker.ts';
import { type GeneratorProgress, type GeneratorRun, generateOrders } from '../generator/generate-orders.ts';
import { totalWritten } from '../generator/write-stats.ts';
import { PeriodicCompaction } from '../lake/periodic-compaction.ts';
import { checkpointFolder } from '../local/data-dir.ts';
import { ChangeFreshness, type FreshnessSummary, formatFreshness } from '../observe/change-freshness.ts';
import { type RunStatus, writeRunStatus } from '../observe/run-status.ts';
import { stageCounts } from '../observe/stage-counts.ts';
import type { PipeMetrics } from '../pipe/pipe-metrics.ts';
import { PipeWorker } from '../pipe/pipe-worker.ts';
import { localDelivery } from '../twin/local-delivery.ts';
import { startStackWithResources } from '../twin/stack-start.ts';
import { waitUntilQuiet } from '../twin/wait-until-quiet.ts';
import { formatDeliverySummary } from './commands/deliver-command.ts';
import { formatPipeSummary, printPipeEvent } from './commands/pipe-command.ts';
import { formatGeneratorProgress, formatGeneratorSummary } from './generator-report.ts';
import { type GeneratorOptions, generatorConfig, type StackOptions } from './shared-options.ts';

export interface PipelineRunOptions extends StackOptions, GeneratorOptions {
  /** With a count: drain, check and return once it is written, instead of running on until the signal. */
  exitWhenDrained: boolean;
  /** Serve the live dashboard on this port (0: a free one); none when undefined. */
  dashboardPort?: number;
  /** Merge the lake's small objects this often while running (ms); never when undefined or 0. */
  compactEveryMs?: number;
}

export interface PipelineRunOutput {
  /** Lines of the story: where things are, each stage's summary, the check. */
  log(line: string): void;
  /** The live line: generated · captured · delivered · failed · lag · freshness · files. */
  status(text: string, force?: boolean): void;
}

export interface PipelineRunResult {
  readonly generator: GeneratorRun;
  readonly pipe: PipeMetrics;
  readonly delivery: DeliveryMetrics;
  readonly check: CurrentOrdersCheck;
  readonly freshness: FreshnessSummary;
  /** Wall time from the first generated change to the end of the drain. */
  readonly elapsedMs: number;
}

/**
 * The whole local pipeline, as `gadget-cdc up` runs it: the stack with its table and stream, the pipe, the
 * delivery and the generator; then a drain stage by stage and the central invariant's check. `signal` stops
 * the generator (or the wait after a bounded run); whatever stops the run, everything read is delivered and
 * every server stops before this returns or throws.
 */
export async function runLocalPipeline(
  options: PipelineRunOptions,
  signal: AbortSignal,
  output: PipelineRunOutput,
): Promise<PipelineRunResult> {
  // Ctrl-C while the stack starts stops the start.
  const { stack, resources } = await startStackWithResources({ ...options, abortSignal: signal }, output.log);
  const pipe = new PipeWorker(
    stack.clients,
    {
      streamArn: resources.table.streamArn,
      kinesisStreamName: resources.stream.streamName,
      checkpointDir: checkpointFolder(stack.dataDir, 'pipe'),
    },
    printPipeEvent,
  );
  const freshness = new ChangeFreshness();
  const delivery = localDelivery(stack.clients, stack.dataDir, resources.stream.streamName, {
    onObjectWritten: (object) => {
      if (object.kind === 'data') freshness.landed(object.rows, object.writtenAtMs);
    },
  });
  const compaction = options.compactEveryMs
    ? new PeriodicCompaction(delivery.lake, options.compactEveryMs, (error) =>
        output.log(
          `Compaction failed (it tries again): ${error instanceof Error ? error.message : String(error)}`,
        ),
      )
    : undefined;
  let progress: GeneratorProgress | undefined;
  let state: RunStatus['state'] = 'running';
  const startedAt = new Date().toISOString();
  const statusText = () =>
    progress
      ? pipelineStatus(formatGeneratorProgress(progress, options.count, options.rate), {
          generated: totalWritten(progress.stats),
          pipe: pipe.metrics,
          delivery: delivery.metrics,
        })
      : 'starting';
  const publish = (summary?: string[]) =>
    writeRunStatus(stack.dataDir, {
      pid: process.pid,
      startedAt,
      updatedAt: new Date().toISOString(),
      state,
      line: statusText(),
      ...(summary && { summary }),
    });
  const showStatus = (force = false) => {
    if (progress) output.status(statusText(), force); // nothing to show before the first write
  };
  // Stop generating (or waiting) on the signal, or at once if a server dies or a worker fails.
  const stop = new AbortController();
  const abort = () => stop.abort();
  signal.addEventListener('abort', abort, { once: true });
  if (signal.aborted) abort(); // an abort before the listener existed is not lost
  let crash: Error | undefined;
  void stack.crashed.then((error) => {
    crash = error;
    stop.abort();
  });
  let dashboard: DashboardServer | undefined;
  let ticker: NodeJS.Timeout | undefined;
  // Everything started from here on is stopped in the `finally`, whatever happens.
  try {
    const piping = pipe.start();
    const delivering = delivery.start();
    piping.catch(abort);
    delivering.catch(abort);
    compaction?.start();
    if (options.dashboardPort !== undefined) {
      dashboard = await DashboardServer.start({
        lakeDir: delivery.lake.root,
        port: options.dashboardPort,
        live: {
          generated: () => (progress ? totalWritten(progress.stats) : 0),
          pipe: pipe.metrics,
          delivery: delivery.metrics,
          freshness,
        },
      });
      output.log(`Dashboard: ${dashboard.url}`);
    }
    let ticks = 0;
    ticker = setInterval(() => {
      showStatus();
      if (++ticks % 4 === 0) publish(); // for `gadget-cdc status`, once a second
    }, 250);
    output.log(
      `Generating order changes; the pipe puts each on Kinesis, the delivery lands it in ${delivery.lake.root}. ` +
        'Ctrl-C drains and stops.',
    );
    const started = performance.now();
    const generator = await generateOrders(generatorConfig(options.table, options), {
      dynamodb: stack.clients.dynamodb,
      signal: stop.signal,
      onWritten: (change) => freshness.wrote(change),
      onProgress: (next) => {
        progress = next;
      },
    });
    progress = { stats: generator.stats, elapsedMs: generator.elapsedMs };
    showStatus(true);
    output.log(formatGeneratorSummary(generator, options.rate));
    if (!options.exitWhenDrained && !stop.signal.aborted && !generator.error) {
      output.log(
        `Wrote all ${options.count} changes; the pipe and the delivery run on. Ctrl-C drains and stops.`,
      );
      await new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true }));
    }
    if (crash) throw crash;
    state = 'draining';
    // Drain stage by stage: the pipe catches up with the table's stream, then the delivery with Kinesis.
    const pipeProgress = () => `${pipe.metrics.recordsRead}/${pipe.metrics.recordsPut}`;
    if (!(await waitUntilQuiet(pipeProgress, () => pipe.metrics.millisBehind))) {
      output.log('The pipe did not catch up within 30 s; it resumes on the next run.');
    }
    await pipe.stop();
    await piping; // rethrows a pipe failure
    output.log(formatPipeSummary(pipe.metrics));
    const deliveryProgress = () => String(delivery.metrics.recordsIn);
    if (!(await waitUntilQuiet(deliveryProgress, () => delivery.metrics.millisBehind))) {
      output.log('The delivery did not catch up within 30 s; it resumes on the next run.');
    }
    await delivery.stop(); // writes everything buffered
    await delivering;
    const elapsedMs = performance.now() - started;
    output.log(formatDeliverySummary(delivery.metrics, delivery.lake.root));
    await compaction?.finish();
    if (compaction) output.log(compaction.summary());
    const lake = await DuckDbLake.open(delivery.lake.root);
    let check: CurrentOrdersCheck;
    try {
      check = await checkCurrentOrders(lake, stack.clients.dynamodb, options.table);
    } finally {
      lake.close();
    }
    const freshnessSummary = freshness.summary();
    const carried = formatCarriedOver(totalWritten(generator.stats), pipe.metrics, delivery.metrics);
    const summary = [...(carried ? [carried] : []), formatFreshness(freshnessSummary), formatCheck(check)];
    for (const line of summary) output.log(line);
    state = 'stopped';
    publish(summary);
    return {
      generator,
      pipe: pipe.metrics,
      delivery: delivery.metrics,
      check,
      freshness: freshnessSummary,
      elapsedMs,
    };
  } finally {
    clearInterval(ticker);
    signal.removeEventListener('abort', abort);
    await dashboard?.stop();
    await compaction?.stop();
    await pipe.abort();
    await delivery.stop();
    await stack.stop();
    output.log('Local stack stopped.');
  }
}

/**
 * The live line: the generator's progress, then each stage's count and what it still owes the next (see
 * stageCounts); "freshness" is Firehose's DataFreshness (the age of the oldest record not yet in the lake).
 */
export function pipelineStatus(
  generatorText: string,
  stages: { generated: number; pipe: PipeMetrics; delivery: DeliveryMetrics },
): string {
  const { delivery } = stages;
  const counts = stageCounts(stages.generated, stages.pipe, delivery);
  return (
    `${generatorText} · captured ${counts.captured} (${counts.capturedBehind} behind)` +
    ` · delivered ${counts.delivered} (${counts.deliveredBehind} behind, freshness ${(delivery.dataFreshnessMs / 1000).toFixed(1)} s)` +
    ` · failed ${counts.failed} · ${delivery.objectsWritten} files` +
    (delivery.lastWriteError ? ` · lake write failing, retrying: ${delivery.lastWriteError}` : '')
  );
}

/**
 * Why a resumed run's stage counts differ (each counts what that stage did in this run): the pipe and the
 * delivery go on from their checkpoints, so they also carry what an earlier run wrote or captured and did not
 * pass on before it stopped. '' when the counts match.
 */
export function formatCarriedOver(generated: number, pipe: PipeMetrics, delivery: DeliveryMetrics): string {
  const captured = pipe.recordsPut - generated;
  const delivered = delivery.recordsIn - pipe.recordsPut;
  const parts = [
    ...(captured > 0 ? [`the pipe captured ${captured} changes an earlier run wrote`] : []),
    ...(delivered > 0 ? [`the delivery took ${delivered} records an earlier run put on Kinesis`] : []),
  ];
  return parts.length > 0 ? `Carried over from an earlier run: ${parts.join('; ')}.` : '';
}
