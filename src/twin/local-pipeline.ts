import { DashboardServer } from '../dashboard/dashboard-server.ts';
import type { DeliveryMetrics } from '../delivery/delivery-metrics.ts';
import { type GeneratorProgress, type GeneratorRun, generateOrders } from '../generator/generate-orders.ts';
import { type GeneratorOptions, generatorConfig } from '../generator/generator-options.ts';
import { totalWritten } from '../generator/write-stats.ts';
import { PeriodicCompaction } from '../lake/periodic-compaction.ts';
import { checkpointFolder } from '../local/data-dir.ts';
import type { LocalStack, PipelineResources } from '../local/local-stack.ts';
import type { RunStatus } from '../local/run-status.ts';
import { ChangeFreshness, type FreshnessSummary } from '../observe/change-freshness.ts';
import type { CurrentOrdersCheck } from '../observe/current-orders-check.ts';
import { stageCounts } from '../observe/stage-counts.ts';
import type { PipeMetrics } from '../pipe/pipe-metrics.ts';
import { PipeWorker } from '../pipe/pipe-worker.ts';
import { localDelivery } from './local-delivery.ts';
import type {
  CarriedOver,
  DrainedStage,
  LiveStatus,
  LocalPipelineEvent,
  LocalPipelineListener,
  RunSummary,
} from './local-pipeline-events.ts';
import { checkSession } from './local-session.ts';
import { RunStatusPublisher, type RunStatusWords } from './run-status-publisher.ts';
import { type StackOptions, startStackWithResources } from './stack-start.ts';
import { waitUntilQuiet } from './wait-until-quiet.ts';

export interface LocalPipelineOptions extends StackOptions, GeneratorOptions {
  /** With a count: drain, check and return once it is written, instead of running on until the signal. */
  exitWhenDrained: boolean;
  /** Serve the live dashboard on this port (0: a free one); none when undefined. */
  dashboardPort?: number;
  /** Merge the lake's small objects this often while running (ms); never when undefined or 0. */
  compactEveryMs?: number;
  /** Keep the run's state in `<data-dir>/up-status.json`, in these words (`up` does); no file when undefined. */
  statusWords?: RunStatusWords;
}

/** What the drain leaves: each stage's counters, and the wall time from the first change to its end. */
export interface DrainedStages {
  readonly pipe: PipeMetrics;
  readonly delivery: DeliveryMetrics;
  readonly elapsedMs: number;
}

export interface LocalPipelineResult extends DrainedStages {
  readonly generator: GeneratorRun;
  readonly check: CurrentOrdersCheck;
  readonly freshness: FreshnessSummary;
}

/**
 * A started local pipeline: the stack with its table and stream, the pipe, the delivery, the periodic
 * compaction and the dashboard all run. Call the phases in order — `generate`, `drain`, `check` — and `stop`
 * in a `finally`, whatever happened: it stops everything that runs.
 */
export interface LocalPipeline {
  /**
   * Generates order changes until the count is written or the signal (or a crashed server, or a failed worker)
   * stops it; a bounded run without `exitWhenDrained` then runs on until the signal. Throws a server's crash.
   */
  generate(): Promise<GeneratorRun>;
  /** Drains stage by stage: the pipe catches up with the table's stream, then the delivery with Kinesis. */
  drain(): Promise<DrainedStages>;
  /** The central invariant over the drained lake (docs/reliability.md), and how fresh the lake kept up. */
  check(generator: GeneratorRun): Promise<RunSummary>;
  stop(): Promise<void>;
}

/**
 * The whole local pipeline, as `gadget-cdc up` runs it: start, generate, drain stage by stage, check the
 * central invariant. `signal` stops the generator (or the wait after a bounded run); whatever stops the run,
 * everything read is delivered and every server stops before this returns or throws.
 */
export async function runLocalPipeline(
  options: LocalPipelineOptions,
  signal: AbortSignal,
  onEvent: LocalPipelineListener,
): Promise<LocalPipelineResult> {
  const pipeline = await startLocalPipeline(options, signal, onEvent);
  try {
    const generator = await pipeline.generate();
    const drained = await pipeline.drain();
    const { check, freshness } = await pipeline.check(generator);
    return { generator, ...drained, check, freshness };
  } finally {
    await pipeline.stop();
  }
}

/**
 * Starts the stack (table and stream created, the delivery's checkpoints checked), then the pipe, the delivery,
 * the compaction and the dashboard. `signal` abandons the stack's start (Ctrl-C while it starts); a start that
 * fails stops what it started.
 */
export async function startLocalPipeline(
  options: LocalPipelineOptions,
  signal: AbortSignal,
  onEvent: LocalPipelineListener,
): Promise<LocalPipeline> {
  const { stack, resources } = await startStackWithResources({ ...options, abortSignal: signal }, (line) =>
    onEvent({ type: 'stack-line', line }),
  );
  let pipeline: RunningPipeline | undefined;
  try {
    pipeline = new RunningPipeline(options, signal, onEvent, stack, resources);
    await pipeline.start();
    return pipeline;
  } catch (error) {
    await (pipeline ? pipeline.stop() : stack.stop());
    throw error;
  }
}

/** How often the live status is reported; every PUBLISH_EVERY_TICKS-th time, published for `gadget-cdc status`. */
const LIVE_EVERY_MS = 250;
const PUBLISH_EVERY_TICKS = 4;
/** How long a drain waits for each stage to catch up before it leaves the rest to the next run. */
const DRAIN_TIMEOUT_MS = 30_000;

class RunningPipeline implements LocalPipeline {
  private readonly pipe: PipeWorker;
  private readonly delivery: ReturnType<typeof localDelivery>;
  private readonly freshness = new ChangeFreshness();
  private readonly compaction: PeriodicCompaction | undefined;
  private readonly status: RunStatusPublisher | undefined;
  /** Stops generating (or waiting): on the signal, or at once if a server dies or a worker fails. */
  private readonly stopGenerating = new AbortController();
  private readonly abort = () => this.stopGenerating.abort();
  private state: RunStatus['state'] = 'running';
  private crash: Error | undefined;
  private piping: Promise<void> = Promise.resolve();
  private delivering: Promise<void> = Promise.resolve();
  private dashboard: DashboardServer | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private progress: GeneratorProgress | undefined;
  private generatingSince = 0;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly options: LocalPipelineOptions,
    private readonly signal: AbortSignal,
    private readonly onEvent: LocalPipelineListener,
    private readonly stack: LocalStack,
    resources: PipelineResources,
  ) {
    this.pipe = new PipeWorker(
      stack.clients,
      {
        streamArn: resources.table.streamArn,
        kinesisStreamName: resources.stream.streamName,
        checkpointDir: checkpointFolder(stack.dataDir, 'pipe'),
      },
      (event) => this.emit({ type: 'pipe-event', event }),
    );
    this.delivery = localDelivery(stack.clients, stack.dataDir, resources.stream.streamName, {
      onObjectWritten: (object) => {
        if (object.kind === 'data') this.freshness.landed(object.rows, object.writtenAtMs);
      },
      onTransformWarning: (line) => this.emit({ type: 'transform-warning', line }),
    });
    this.compaction = options.compactEveryMs
      ? new PeriodicCompaction(this.delivery.lake, options.compactEveryMs, (error) =>
          this.emit({ type: 'compaction-failed', error }),
        )
      : undefined;
    this.status = options.statusWords && new RunStatusPublisher(stack.dataDir, options.statusWords);
  }

  async start(): Promise<void> {
    this.signal.addEventListener('abort', this.abort, { once: true });
    if (this.signal.aborted) this.abort(); // an abort before the listener existed is not lost
    void this.stack.crashed.then((error) => {
      this.crash = error;
      this.abort();
    });
    this.piping = this.pipe.start();
    this.delivering = this.delivery.start();
    this.piping.catch(this.abort);
    this.delivering.catch(this.abort);
    this.compaction?.start();
    if (this.options.dashboardPort !== undefined) {
      this.dashboard = await DashboardServer.start({
        lakeDir: this.delivery.lake.root,
        port: this.options.dashboardPort,
        live: {
          generated: () => (this.progress ? totalWritten(this.progress.stats) : 0),
          pipe: this.pipe.metrics,
          delivery: this.delivery.metrics,
          freshness: this.freshness,
        },
      });
      this.emit({ type: 'dashboard-started', url: this.dashboard.url });
    }
    let ticks = 0;
    this.ticker = setInterval(() => {
      const live = this.live();
      if (live) this.emit({ type: 'live', live }); // nothing to show before the first write
      if (++ticks % PUBLISH_EVERY_TICKS === 0) this.publish();
    }, LIVE_EVERY_MS);
  }

  async generate(): Promise<GeneratorRun> {
    const { options } = this;
    this.emit({ type: 'generating-started', lakeDir: this.delivery.lake.root });
    this.generatingSince = performance.now();
    const run = await generateOrders(generatorConfig(options.table, options), {
      dynamodb: this.stack.clients.dynamodb,
      signal: this.stopGenerating.signal,
      onWritten: (change) => this.freshness.wrote(change),
      onProgress: (next) => {
        this.progress = next;
      },
    });
    this.progress = { stats: run.stats, elapsedMs: run.elapsedMs };
    this.emit({ type: 'generator-finished', run, live: this.liveOf(this.progress) });
    const stopped = this.stopGenerating.signal;
    if (!options.exitWhenDrained && !stopped.aborted && !run.error) {
      this.emit({ type: 'running-on', count: options.count });
      await new Promise((resolve) => stopped.addEventListener('abort', resolve, { once: true }));
    }
    if (this.crash) throw this.crash;
    return run;
  }

  async drain(): Promise<DrainedStages> {
    const { pipe, delivery } = this;
    this.state = 'draining';
    await this.catchUp(
      'pipe',
      () => `${pipe.metrics.recordsRead}/${pipe.metrics.recordsPut}`,
      () => pipe.metrics.millisBehind,
    );
    await pipe.stop();
    await this.piping; // rethrows a pipe failure
    this.emit({ type: 'pipe-drained', metrics: pipe.metrics });
    await this.catchUp(
      'delivery',
      () => String(delivery.metrics.recordsIn),
      () => delivery.metrics.millisBehind,
    );
    await delivery.stop(); // writes everything buffered
    await this.delivering;
    const elapsedMs = performance.now() - this.generatingSince;
    this.emit({ type: 'delivery-drained', metrics: delivery.metrics, lakeDir: delivery.lake.root });
    if (this.compaction) {
      await this.compaction.finish();
      const { runs, objectsMerged, objectsWritten, snapshots, objectsAbsorbed } = this.compaction;
      const totals = { runs, objectsMerged, objectsWritten, snapshots, objectsAbsorbed };
      this.emit({ type: 'compaction-finished', totals });
    }
    return { pipe: pipe.metrics, delivery: delivery.metrics, elapsedMs };
  }

  async check(generator: GeneratorRun): Promise<RunSummary> {
    const { stack, delivery } = this;
    const check = await checkSession(
      {
        clients: stack.clients,
        dataDir: stack.dataDir,
        tableName: this.options.table,
        streamName: this.options.stream,
      },
      delivery.lake.root,
    );
    const summary: RunSummary = {
      carriedOver: carriedOver(totalWritten(generator.stats), this.pipe.metrics, delivery.metrics),
      freshness: this.freshness.summary(),
      check,
    };
    this.emit({ type: 'checked', summary });
    this.state = 'stopped';
    this.publish(summary);
    return summary;
  }

  /** Stops everything that runs; the servers last. Once, however often it is called. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      clearInterval(this.ticker);
      this.signal.removeEventListener('abort', this.abort);
      await this.dashboard?.stop();
      await this.compaction?.stop();
      await this.pipe.abort();
      await this.delivery.stop();
      await this.stack.stop();
      this.emit({ type: 'stack-stopped' });
    })();
    return this.stopping;
  }

  /** Waits for a stage to catch up with its source; says so when it did not in time. */
  private async catchUp(stage: DrainedStage, progress: () => string, behind: () => number): Promise<void> {
    if (!(await waitUntilQuiet(progress, behind, { timeoutMs: DRAIN_TIMEOUT_MS }))) {
      this.emit({ type: 'stage-behind', stage, waitedMs: DRAIN_TIMEOUT_MS });
    }
  }

  private live(): LiveStatus | undefined {
    return this.progress && this.liveOf(this.progress);
  }

  private liveOf(progress: GeneratorProgress): LiveStatus {
    const { pipe, delivery } = this;
    return {
      progress,
      counts: stageCounts(totalWritten(progress.stats), pipe.metrics, delivery.metrics),
      delivery: delivery.metrics,
    };
  }

  private publish(summary?: RunSummary): void {
    this.status?.publish(this.state, this.live(), summary);
  }

  private emit(event: LocalPipelineEvent): void {
    this.onEvent(event);
  }
}

/** What this run's pipe and delivery carried over from an earlier one, given what this run generated. */
export function carriedOver(generated: number, pipe: PipeMetrics, delivery: DeliveryMetrics): CarriedOver {
  return {
    captured: Math.max(0, pipe.recordsPut - generated),
    delivered: Math.max(0, delivery.recordsIn - pipe.recordsPut),
  };
}
