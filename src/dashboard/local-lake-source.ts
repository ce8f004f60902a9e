import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDbLake } from '../catalog/duckdb-lake.ts';
import { type OrderHistory, orderHistory } from '../catalog/order-history.ts';
import type { DashboardPanels, DashboardSource } from './dashboard-source.ts';
import { type LivePipeline, pipelineHealth } from './pipeline-health.ts';
import { salesPanels } from './sales-panels.ts';
import {
  type ConsoleLimits,
  type ConsoleResult,
  DEFAULT_CONSOLE_LIMITS,
  runConsoleQuery,
} from './sql-console.ts';

export interface LocalLakeSourceOptions {
  readonly lakeDir: string;
  /** The data dir, when serving one: the health panel then shows its last `up` run too. */
  readonly dataDir?: string;
  /** The running pipeline's counters, when `gadget-cdc up` serves the page. */
  readonly live?: LivePipeline;
  /** How often the panels are recomputed (never two at once; less often when computing them is slow). @default 1000 */
  readonly refreshMs?: number;
  readonly consoleLimits?: ConsoleLimits;
}

/**
 * The page over the local lake folder: every panel is SQL on a DuckDB locked down before first use (files
 * readable only under the lake, docs/reliability.md, Security), the health panel the running pipeline's counters
 * or the data dir's last `up` run. The console and the order history have connections of their own, so neither
 * waits for a refresh.
 */
export class LocalLakeSource implements DashboardSource {
  private constructor(
    private readonly lake: DuckDbLake,
    private readonly consoleConnection: DuckDBConnection,
    /** One order's history at a time, beside the panels' refresh and the console. */
    private readonly historyConnection: DuckDBConnection,
    private readonly options: LocalLakeSourceOptions,
  ) {}

  static async open(options: LocalLakeSourceOptions): Promise<LocalLakeSource> {
    const lake = await DuckDbLake.open(options.lakeDir, { lockedDown: {} });
    return new LocalLakeSource(lake, await lake.connect(), await lake.connect(), options);
  }

  async panels(): Promise<DashboardPanels> {
    const sales = await salesPanels(this.lake);
    const { lakeDir, live, dataDir } = this.options;
    return { sales, health: await pipelineHealth(lakeDir, live, sales.totals, dataDir) };
  }

  /**
   * `refreshMs`, or four times the last compute time if that is longer: as the lake grows, computing the panels
   * keeps at most about a fifth of a core busy (one DuckDB thread), leaving the rest to the pipeline beside them.
   */
  nextRefreshInMs(lastComputeMs: number): number {
    return Math.max(this.options.refreshMs ?? 1_000, 4 * lastComputeMs);
  }

  async console(sql: string): Promise<ConsoleResult> {
    await this.lake.refresh();
    return runConsoleQuery(this.consoleConnection, sql, this.options.consoleLimits ?? DEFAULT_CONSOLE_LIMITS);
  }

  async orderHistory(orderid: string): Promise<OrderHistory> {
    await this.lake.refresh();
    const engine = {
      rows: async (sql: string) =>
        (await this.historyConnection.runAndReadAll(sql)).getRowObjects() as Record<string, unknown>[],
    };
    return orderHistory(engine, orderid);
  }

  async close(): Promise<void> {
    this.consoleConnection.interrupt(); // a console statement still running ends now
    this.consoleConnection.closeSync();
    this.historyConnection.closeSync();
    this.lake.close();
  }
}
