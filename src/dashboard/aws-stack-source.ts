import type { RetryPolicy } from '../aws/aws-retry.ts';
import {
  type AthenaScan,
  metricRequestsPerHourUsd,
  NO_SCAN,
  perHour,
  withQuery,
} from '../catalog/athena-cost.ts';
import {
  type AthenaApi,
  AthenaEngine,
  type AthenaEngineOptions,
  type AthenaQueryStatistics,
} from '../catalog/athena-engine.ts';
import { type OrderHistory, orderHistory } from '../catalog/order-history.ts';
import { AthenaConsole, type AthenaConsoleResult, DEFAULT_ATHENA_CONSOLE_LIMITS } from './athena-console.ts';
import {
  type AlarmView,
  type AwsHealthPanel,
  type CloudWatchApi,
  METRICS_PERIOD_MS,
  METRICS_WINDOW_MS,
  type MetricView,
  type MonitoredStack,
  pipelineMetrics,
  readAlarms,
  readMetrics,
} from './cloudwatch-health.ts';
import type { DashboardPanels, DashboardSource } from './dashboard-source.ts';
import { type LakeListing, listNewestPartitions, type S3ListApi } from './lake-change-signal.ts';
import { type SalesPanels, salesPanels } from './sales-panels.ts';
import type { ConsoleLimits } from './sql-console.ts';

/** The deployed stack's names, as its outputs (or the options that override them) give them. */
export interface DeployedStack extends MonitoredStack {
  readonly region: string;
  readonly workGroup: string;
  readonly database: string;
  /** The lake bucket: `orders_cdc/` at its root. */
  readonly bucket: string;
  /** The stack's current-state table, when it has one (`-c currentState=iceberg`): `current_orders` reads it. */
  readonly currentStateTable?: string;
  /** `s3://…/` for Athena's result files. @default the workgroup's own */
  readonly outputLocation?: string;
}

export interface AwsStackSourceOptions {
  readonly athena: AthenaApi;
  readonly cloudWatch: CloudWatchApi;
  readonly s3: S3ListApi;
  readonly stack: DeployedStack;
  /** The wait after one refresh before the next (`gadget-cdc dashboard --refresh`, which allows no less than 60 s). */
  readonly refreshMs: number;
  /** What Athena charges per TB scanned in the stack's region (athena-cost.ts). */
  readonly pricePerTbUsd: number;
  /** @default DEFAULT_ATHENA_CONSOLE_LIMITS */
  readonly consoleLimits?: ConsoleLimits;
  /** Clock and timer: tests pass fakes, so that polls, retries and the metrics' age never wait on the wall clock. */
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Athena's first wait between status polls. @default the engine's */
  readonly pollIntervalMs?: number;
  /** Aborting stops the queries running (StopQueryExecution), as `close` does: Ctrl-C leaves nothing billing. */
  readonly signal?: AbortSignal;
  readonly retry?: RetryPolicy;
}

/** The panels of the last refresh that ran Athena. */
interface Computed {
  readonly sales: SalesPanels;
  /** The fingerprint of the lake they were computed over. */
  readonly over: string;
  /** Whether the refresh before saw that lake too (it had stopped changing). */
  readonly settled: boolean;
  /** What their queries scanned and cost. */
  readonly athena: AthenaScan;
}

/** What the page says about the stack it shows, and what showing it costs. */
export interface AwsStatus {
  readonly stack: string;
  readonly region: string;
  readonly workGroup: string;
  readonly database: string;
  readonly refreshMs: number;
  readonly pricePerTbUsd: number;
  /** The last refresh: whether it reused the results before it (no new object in the lake), and its queries. */
  readonly refresh: { readonly reused: boolean; readonly athena: AthenaScan };
  /** The last refresh that ran Athena, and the most an hour of refreshes costs (a new object before each). */
  readonly perRefreshUsd: number;
  readonly perHourUsd: number;
  /** Every Athena query of this server: the panels, the order histories, the console. */
  readonly session: AthenaScan;
  /** The newest partitions, whose objects tell whether the lake changed. */
  readonly lake: { readonly partitions: readonly string[]; readonly objects: number; readonly bytes: number };
  /** GetMetricData: how many metrics, how often, and what that costs an hour. */
  readonly cloudWatch: { readonly metrics: number; readonly everyMs: number; readonly perHourUsd: number };
}

/**
 * The page over a deployed stack: the same panels from the same SQL through Athena in the stack's workgroup,
 * the health panel from CloudWatch, and the console on Athena (`AthenaConsole`).
 *
 * Athena bills by bytes scanned, so a refresh runs it only when the lake has a new object (`listNewestPartitions`)
 * and otherwise shows the results of the last one again; the panels take three statements (`salesPanels` with
 * `fewestStatements`). With a current-state table, `current_orders` reads what a second Firehose stream commits
 * from the same records on the same buffering, a little before or after the lake's object: results are reused
 * only once they were computed over a lake that had already stopped changing, so the refresh after the last new
 * object runs once more and sees the table's last commit. CloudWatch's metrics are read at most every five
 * minutes, the alarms at every refresh; either failing leaves the sales panels standing and says why.
 */
export class AwsStackSource implements DashboardSource {
  private readonly abort = new AbortController();
  private readonly panelsEngine: AthenaEngine;
  private readonly historyEngine: AthenaEngine;
  private readonly athenaConsole: AthenaConsole;
  private readonly now: () => number;
  /** Aborted by `close` or the caller's signal: stops Athena queries and cuts S3 and CloudWatch retries short. */
  private readonly signal: AbortSignal;
  private readonly retry: RetryPolicy;
  private session: AthenaScan = NO_SCAN;
  /** The queries of the refresh computing now. */
  private refreshScan: AthenaScan = NO_SCAN;
  private computed: Computed | undefined;
  private lastListing: LakeListing | undefined;
  private metrics:
    | { readonly at: number; readonly metrics: MetricView[]; readonly errors: string[] }
    | undefined;

  constructor(private readonly options: AwsStackSourceOptions) {
    this.now = options.now ?? Date.now;
    this.signal = options.signal ? AbortSignal.any([this.abort.signal, options.signal]) : this.abort.signal;
    this.retry = { ...options.retry, signal: this.signal };
    const { stack, athena, pricePerTbUsd } = options;
    // Every query counts in the session; a panel query also in its refresh.
    const engineOptions = (also?: (statistics: AthenaQueryStatistics) => void): AthenaEngineOptions => ({
      workGroup: stack.workGroup,
      database: stack.database,
      currentOrdersTable: stack.currentStateTable,
      outputLocation: stack.outputLocation,
      signal: this.signal,
      now: options.now,
      sleep: options.sleep,
      pollIntervalMs: options.pollIntervalMs,
      onQueryStatistics: (statistics) => {
        this.session = withQuery(this.session, statistics, pricePerTbUsd);
        also?.(statistics);
      },
    });
    this.panelsEngine = new AthenaEngine(
      athena,
      engineOptions((statistics) => {
        this.refreshScan = withQuery(this.refreshScan, statistics, pricePerTbUsd);
      }),
    );
    this.historyEngine = new AthenaEngine(athena, engineOptions());
    const limits = options.consoleLimits ?? DEFAULT_ATHENA_CONSOLE_LIMITS;
    this.athenaConsole = new AthenaConsole(athena, engineOptions(), limits, pricePerTbUsd);
  }

  async panels(): Promise<DashboardPanels> {
    const { s3, stack } = this.options;
    const listing = await listNewestPartitions(s3, stack.bucket, this.now(), this.retry);
    const last = this.computed;
    const computed =
      last !== undefined &&
      last.over === listing.fingerprint &&
      (stack.currentStateTable === undefined || last.settled)
        ? last
        : await this.compute(listing);
    this.lastListing = listing;
    const reused = computed === last;
    return {
      sales: computed.sales,
      health: await this.health(),
      aws: this.status(listing, reused ? NO_SCAN : computed.athena, reused),
    };
  }

  /** The panels from Athena now, over the lake `listing` saw. */
  private async compute(listing: LakeListing): Promise<Computed> {
    this.refreshScan = NO_SCAN;
    const sales = await salesPanels(this.panelsEngine, { fewestStatements: true });
    this.computed = {
      sales,
      over: listing.fingerprint,
      settled: listing.fingerprint === this.lastListing?.fingerprint,
      athena: this.refreshScan,
    };
    return this.computed;
  }

  nextRefreshInMs(): number {
    return this.options.refreshMs;
  }

  console(sql: string): Promise<AthenaConsoleResult> {
    return this.athenaConsole.run(sql);
  }

  orderHistory(orderid: string): Promise<OrderHistory> {
    return orderHistory(this.historyEngine, orderid);
  }

  /** Stops the queries still running (StopQueryExecution); the clients are the caller's to destroy. */
  async close(): Promise<void> {
    this.abort.abort();
  }

  private async health(): Promise<AwsHealthPanel> {
    const { cloudWatch, stack } = this.options;
    const { retry } = this;
    const now = this.now();
    const errors: string[] = [];
    if (this.metrics === undefined || now - this.metrics.at >= METRICS_PERIOD_MS) {
      try {
        this.metrics = { at: now, ...(await readMetrics(cloudWatch, stack, now, retry)) };
      } catch (error) {
        errors.push(messageOf(error));
      }
    }
    let alarms: AlarmView[] = [];
    try {
      alarms = await readAlarms(cloudWatch, stack.stackName, retry);
    } catch (error) {
      errors.push(messageOf(error));
    }
    const metrics = this.metrics?.metrics ?? [];
    const freshness = metrics.find((metric) => metric.name === 'DeliveryToS3.DataFreshness');
    return {
      source: 'aws',
      metricsAt: this.metrics && new Date(this.metrics.at).toISOString(),
      windowMinutes: METRICS_WINDOW_MS / 60_000,
      periodSeconds: METRICS_PERIOD_MS / 1000,
      metrics,
      alarms,
      dataFreshnessMs: freshness?.value == null ? null : freshness.value * 1000,
      errors: [...(this.metrics?.errors ?? []), ...errors],
    };
  }

  private status(listing: LakeListing, athena: AthenaScan, reused: boolean): AwsStatus {
    const { stack, refreshMs, pricePerTbUsd } = this.options;
    const perRefreshUsd = this.computed?.athena.costUsd ?? 0;
    const metrics = pipelineMetrics(stack).length;
    return {
      stack: stack.stackName,
      region: stack.region,
      workGroup: stack.workGroup,
      database: stack.database,
      refreshMs,
      pricePerTbUsd,
      refresh: { reused, athena },
      perRefreshUsd,
      perHourUsd: perHour(perRefreshUsd, refreshMs),
      session: this.session,
      lake: { partitions: listing.partitions, objects: listing.objects, bytes: listing.bytes },
      cloudWatch: {
        metrics,
        everyMs: METRICS_PERIOD_MS,
        perHourUsd: metricRequestsPerHourUsd(metrics, METRICS_PERIOD_MS),
      },
    };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
