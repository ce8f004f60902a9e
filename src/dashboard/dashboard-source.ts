import type { OrderHistory } from '../catalog/order-history.ts';
import type { AwsStatus } from './aws-stack-source.ts';
import type { AwsHealthPanel } from './cloudwatch-health.ts';
import type { HealthPanel } from './pipeline-health.ts';
import type { SalesPanels } from './sales-panels.ts';
import type { ConsoleResult } from './sql-console.ts';

/** What one refresh shows. */
export interface DashboardPanels {
  readonly sales: SalesPanels;
  /** The engineer's half: the local pipeline's counters, or on AWS CloudWatch's metrics and the stack's alarms. */
  readonly health: HealthPanel | AwsHealthPanel;
  /** On AWS: which stack, and what its Athena queries scan and cost. */
  readonly aws?: AwsStatus;
}

/**
 * Where the page's numbers come from: the local lake (`LocalLakeSource`, DuckDB) or a deployed stack
 * (`AwsStackSource`, Athena and CloudWatch). The server calls `panels` for one refresh at a time and waits
 * `nextRefreshInMs` after each before the next; `console` and `orderHistory` when a page asks, beside a refresh;
 * `close` once, after it stopped serving. A source enforces its own limits (console statements, costs).
 */
export interface DashboardSource {
  panels(): Promise<DashboardPanels>;
  /** The wait after a refresh that took `lastComputeMs` before the next one starts. */
  nextRefreshInMs(lastComputeMs: number): number;
  /** One statement typed in the console: refused with a ConsoleQueryError unless it is one read-only SELECT. */
  console(sql: string): Promise<ConsoleResult>;
  orderHistory(orderid: string): Promise<OrderHistory>;
  /** Stops what still runs (a console statement, a query) and releases what the source holds. */
  close(): Promise<void>;
}
