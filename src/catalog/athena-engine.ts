import { randomUUID } from 'node:crypto';
import {
  type AthenaClient,
  type ColumnInfo,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  type QueryExecution,
  type QueryExecutionStatus,
  StartQueryExecutionCommand,
  type StartQueryExecutionCommandOutput,
  StopQueryExecutionCommand,
  type StopQueryExecutionCommandOutput,
} from '@aws-sdk/client-athena';
import {
  type BackoffPolicy,
  backoffDelayMs,
  DEFAULT_BACKOFF,
  isRetryableAwsError,
  sleep,
} from '../aws/backoff.ts';
import { PipelineError } from '../errors/pipeline-error.ts';
import { type AthenaConnection, connectAthenaClient } from './athena-client.ts';
import { resultRecord, startsWithHeaderRow } from './athena-result-set.ts';
import { createCurrentOrdersView, currentOrdersDefinition } from './current-orders-sql.ts';
import type { QueryEngine } from './query-engine.ts';

/** The four Athena calls the engine makes; an `AthenaClient` fits, and so does a scripted client in tests. */
export interface AthenaApi {
  send(command: StartQueryExecutionCommand): Promise<StartQueryExecutionCommandOutput>;
  send(command: GetQueryExecutionCommand): Promise<GetQueryExecutionCommandOutput>;
  send(command: GetQueryResultsCommand): Promise<GetQueryResultsCommandOutput>;
  send(command: StopQueryExecutionCommand): Promise<StopQueryExecutionCommandOutput>;
}

export interface AthenaEngineOptions {
  /** The workgroup queries run in; its settings (result location, encryption, limits) may override ours. */
  readonly workGroup: string;
  /** The Glue database holding `orders_cdc` (and where the view `current_orders` is created). */
  readonly database: string;
  /**
   * The table the view `current_orders` ranks: the stack's current-state table when it has one (`-c
   * currentState=iceberg`, output `CurrentStateTableName`). @default 'orders_cdc' (the whole history)
   */
  readonly currentOrdersTable?: string;
  /** @default 'AwsDataCatalog' (the account's Glue Data Catalog) */
  readonly catalog?: string;
  /** `s3://…/` for result files. @default none: the workgroup's own location (or managed results) */
  readonly outputLocation?: string;
  /** First wait between status polls; each wait doubles, up to `maxPollIntervalMs`. @default 100 */
  readonly pollIntervalMs?: number;
  /** @default 2000 */
  readonly maxPollIntervalMs?: number;
  /** A query still QUEUED or RUNNING this long after it was started is stopped. @default 300_000 (5 min) */
  readonly timeoutMs?: number;
  /** Aborting stops the running query (StopQueryExecution), so Ctrl-C leaves nothing scanning and billing. */
  readonly signal?: AbortSignal;
  /** Pacing of retries after throttling and 5xx. @default DEFAULT_BACKOFF */
  readonly backoff?: BackoffPolicy;
  /** Attempts per API call (retries + 1). @default 8 */
  readonly maxAttempts?: number;
  /** Clock and timer: tests pass fakes so polling and timeouts never depend on wall-clock luck. */
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * Rows read at most per statement: result pages stop once this many are in, the rest stay unread in Athena's
   * result file (a console showing the first rows need not page through millions). @default no limit
   */
  readonly maxRows?: number;
  /**
   * Told, once per query the engine started (the view `current_orders` included), what Athena reported when the
   * query ended or was stopped: its state, statement type and the bytes it scanned, which is what Athena bills.
   * Called before the query's results are read.
   */
  readonly onQueryStatistics?: (statistics: AthenaQueryStatistics) => void;
}

/** One query's end as GetQueryExecution reported it. */
export interface AthenaQueryStatistics {
  readonly queryExecutionId: string;
  /** The statement as it was sent. */
  readonly sql: string;
  /** SUCCEEDED, FAILED or CANCELLED; for a query stopped on timeout or abort, the last state seen (QUEUED, RUNNING). */
  readonly state: string;
  /** DDL, DML or UTILITY, and its kind (SELECT, CREATE_VIEW, …); undefined when Athena did not say. */
  readonly statementType: string | undefined;
  readonly substatementType: string | undefined;
  /** Statistics.DataScannedInBytes: what the query read; 0 when Athena did not report it. */
  readonly dataScannedInBytes: number;
}

/** An Athena query failed, was cancelled, timed out, was aborted, or an Athena call itself was refused. */
export class AthenaQueryError extends PipelineError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super('catalog', code, message, options);
  }
}

const CURRENT_ORDERS = /\bcurrent_orders\b/i;

/**
 * Athena over the Glue table: each `rows(sql)` is StartQueryExecution → GetQueryExecution polled until
 * SUCCEEDED / FAILED / CANCELLED → GetQueryResults paged by NextToken. Every call is retried with the
 * repository's full-jitter backoff when throttled or 5xx; StartQueryExecution carries one ClientRequestToken
 * per query, so a retried start never runs the query twice.
 */
export class AthenaEngine implements QueryEngine {
  private ownedClient: AthenaClient | undefined;
  private currentOrdersView: Promise<unknown> | undefined;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(
    private readonly client: AthenaApi,
    private readonly options: AthenaEngineOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? sleep;
  }

  /** An engine with its own `AthenaClient` (see `connectAthenaClient`), destroyed by `close`. */
  static async connect(options: AthenaEngineOptions & AthenaConnection): Promise<AthenaEngine> {
    const client = await connectAthenaClient({ region: options.region, profile: options.profile });
    const engine = new AthenaEngine(client, options);
    engine.ownedClient = client;
    return engine;
  }

  async rows(sql: string): Promise<Record<string, unknown>[]> {
    // The named query current_orders is the view's definition: it reads what the view reads, and needs no view.
    if (sameStatement(sql, currentOrdersDefinition())) {
      const table = this.options.currentOrdersTable;
      return this.run(table === undefined ? sql : currentOrdersDefinition(table));
    }
    if (CURRENT_ORDERS.test(sql)) await this.ensureCurrentOrdersView();
    return this.run(sql);
  }

  close(): void {
    this.ownedClient?.destroy();
    this.ownedClient = undefined;
  }

  /**
   * Locally `current_orders` is a view DuckDbLake creates on open; in Athena a view is persistent in the Glue
   * database. It is (re)created once per engine, before the first statement that names it, so it always
   * equals the repository's definition over `currentOrdersTable`.
   */
  private async ensureCurrentOrdersView(): Promise<void> {
    this.currentOrdersView ??= this.run(createCurrentOrdersView(this.options.currentOrdersTable)).catch(
      (error: unknown) => {
        this.currentOrdersView = undefined;
        throw error;
      },
    );
    await this.currentOrdersView;
  }

  private async run(sql: string): Promise<Record<string, unknown>[]> {
    const { workGroup, database, catalog = 'AwsDataCatalog', outputLocation, signal } = this.options;
    if (signal?.aborted)
      throw new AthenaQueryError(
        'ATHENA_QUERY_ABORTED',
        `Athena query not started: aborted. SQL: ${firstLine(sql)}`,
      );
    const startedAt = this.now();
    const clientRequestToken = randomUUID();
    const started = await this.call('StartQueryExecution', sql, () =>
      this.client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          WorkGroup: workGroup,
          QueryExecutionContext: { Database: database, Catalog: catalog },
          ...(outputLocation ? { ResultConfiguration: { OutputLocation: outputLocation } } : {}),
          ClientRequestToken: clientRequestToken,
        }),
      ),
    );
    const id = started.QueryExecutionId;
    if (!id) throw new AthenaQueryError('ATHENA_NO_QUERY_ID', `no QueryExecutionId for ${firstLine(sql)}`);
    const execution = await this.waitForCompletion(id, sql, startedAt);
    return this.results(id, sql, execution);
  }

  /** Polls with growing waits (pollIntervalMs doubling to maxPollIntervalMs) until the query ends. */
  private async waitForCompletion(id: string, sql: string, startedAt: number): Promise<QueryExecution> {
    const { timeoutMs = 300_000, signal, maxPollIntervalMs = 2_000 } = this.options;
    let interval = this.options.pollIntervalMs ?? 100;
    for (;;) {
      const { QueryExecution: execution = {} } = await this.call('GetQueryExecution', sql, () =>
        this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
      );
      const status = execution.Status ?? {};
      const ended = status.State === 'SUCCEEDED' || status.State === 'FAILED' || status.State === 'CANCELLED';
      const elapsedMs = this.now() - startedAt;
      const stopping = !ended && (signal?.aborted || elapsedMs >= timeoutMs);
      if (ended || stopping) this.options.onQueryStatistics?.(statisticsOf(id, sql, execution));
      if (status.State === 'SUCCEEDED') return execution;
      if (status.State === 'FAILED' || status.State === 'CANCELLED') {
        throw new AthenaQueryError(`ATHENA_QUERY_${status.State}`, failureMessage(id, status, sql));
      }
      if (stopping) {
        const stopped = await this.stop(id, sql);
        const why = signal?.aborted ? 'was aborted' : `did not finish within the ${timeoutMs} ms timeout`;
        throw new AthenaQueryError(
          signal?.aborted ? 'ATHENA_QUERY_ABORTED' : 'ATHENA_QUERY_TIMEOUT',
          `Athena query ${id} ${why} (still ${status.State ?? 'unknown'} after ${elapsedMs} ms); ${stopped}. ` +
            `SQL: ${firstLine(sql)}`,
        );
      }
      await this.sleep(Math.min(interval, timeoutMs - elapsedMs), signal);
      interval = Math.min(interval * 2, maxPollIntervalMs);
    }
  }

  private async stop(id: string, sql: string): Promise<string> {
    try {
      await this.call('StopQueryExecution', sql, () =>
        this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id })),
      );
      return 'stopped it with StopQueryExecution';
    } catch (error) {
      return `StopQueryExecution failed (${error instanceof Error ? error.message : String(error)}): stop it in the Athena console`;
    }
  }

  /**
   * Every result page (MaxResults 1000) until there is no NextToken, or until `maxRows` rows are in; the header
   * row, if any, dropped.
   */
  private async results(
    id: string,
    sql: string,
    execution: QueryExecution,
  ): Promise<Record<string, unknown>[]> {
    const header = startsWithHeaderRow(execution);
    const maxRows = this.options.maxRows ?? Number.POSITIVE_INFINITY;
    const rows: Record<string, unknown>[] = [];
    let columns: ColumnInfo[] | undefined;
    let nextToken: string | undefined;
    let firstPage = true;
    do {
      const page = await this.call('GetQueryResults', sql, () =>
        this.client.send(
          new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 1000, NextToken: nextToken }),
        ),
      );
      columns ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      const pageRows = page.ResultSet?.Rows ?? [];
      for (const row of firstPage && header ? pageRows.slice(1) : pageRows)
        rows.push(resultRecord(columns, row));
      firstPage = false;
      nextToken = page.NextToken;
    } while (nextToken && rows.length < maxRows);
    return rows.length > maxRows ? rows.slice(0, maxRows) : rows;
  }

  /** One API call, retried after throttling, 5xx and dropped connections; anything else is reported at once. */
  private async call<T>(operation: string, sql: string, request: () => Promise<T>): Promise<T> {
    const { backoff = DEFAULT_BACKOFF, maxAttempts = 8 } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        return await request();
      } catch (error) {
        if (attempt < maxAttempts && isRetryableAwsError(error)) {
          await this.sleep(backoffDelayMs(attempt, backoff));
          continue;
        }
        const name = error instanceof Error ? error.name : 'Error';
        const message = error instanceof Error ? error.message : String(error);
        throw new AthenaQueryError(
          'ATHENA_REQUEST_FAILED',
          `Athena ${operation} failed after ${attempt} attempt(s): ${name}: ${message}. Check the workgroup ` +
            `(${this.options.workGroup}), database (${this.options.database}) and your permissions. SQL: ${firstLine(sql)}`,
          { cause: error },
        );
      }
    }
  }
}

/** "Athena query <id> FAILED: <StateChangeReason>; <AthenaError message>; error category USER; …. SQL: …" */
function failureMessage(id: string, status: QueryExecutionStatus, sql: string): string {
  const { StateChangeReason: reason, AthenaError: error } = status;
  const category = error?.ErrorCategory;
  const details = [
    reason,
    error?.ErrorMessage !== reason ? error?.ErrorMessage : undefined,
    category !== undefined ? `error category ${CATEGORIES[category] ?? category}` : undefined,
    error?.ErrorType !== undefined ? `error type ${error.ErrorType}` : undefined,
  ].filter(Boolean);
  return `Athena query ${id} ${status.State}: ${details.join('; ') || 'no reason given'}. SQL: ${firstLine(sql)}`;
}

function statisticsOf(id: string, sql: string, execution: QueryExecution): AthenaQueryStatistics {
  return {
    queryExecutionId: id,
    sql,
    state: execution.Status?.State ?? 'UNKNOWN',
    statementType: execution.StatementType,
    substatementType: execution.SubstatementType,
    dataScannedInBytes: execution.Statistics?.DataScannedInBytes ?? 0,
  };
}

/** AthenaError.ErrorCategory, as the Athena error catalog names them. */
const CATEGORIES: Readonly<Record<number, string>> = { 1: 'SYSTEM', 2: 'USER', 3: 'OTHER' };

/** The statement's first non-blank line, for error messages. */
function firstLine(sql: string): string {
  const line = sql.split('\n').find((l) => l.trim() !== '') ?? '';
  return JSON.stringify(line.trim().length > 120 ? `${line.trim().slice(0, 119)}…` : line.trim());
}

/** Whether two statements are the same, but for surrounding blanks and a final semicolon. */
function sameStatement(a: string, b: string): boolean {
  const bare = (sql: string) => sql.trim().replace(/;\s*$/, '');
  return bare(a) === bare(b);
}
