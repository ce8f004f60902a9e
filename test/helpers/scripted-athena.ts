import {
  type AthenaError,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecutionState,
  type Row,
  StartQueryExecutionCommand,
  type StatementType,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { AthenaApi } from '../../src/catalog/athena-engine.ts';

export type AthenaOperation =
  | 'StartQueryExecution'
  | 'GetQueryExecution'
  | 'GetQueryResults'
  | 'StopQueryExecution';

/** Every request the scripted client received, in order, with a copy of its input. */
export interface AthenaCall {
  readonly op: AthenaOperation;
  readonly input: Record<string, unknown>;
}

/** What one query (one StartQueryExecution with a new ClientRequestToken) does. */
export interface ScriptedQuery {
  /** The State each GetQueryExecution reports, in turn; the last one repeats. @default ['SUCCEEDED'] */
  readonly states?: readonly QueryExecutionState[];
  /** @default 'DML' */
  readonly statementType?: StatementType;
  /** @default 'SELECT' for DML, none otherwise */
  readonly substatementType?: string;
  readonly stateChangeReason?: string;
  readonly athenaError?: AthenaError;
  /** Column name and Athena type, as ResultSetMetadata.ColumnInfo. @default none */
  readonly columns?: readonly (readonly [name: string, type: string])[];
  /**
   * Result pages of VarCharValues (`undefined` = SQL NULL, a Datum without VarCharValue). As Athena does, a
   * SELECT's first page gets the header row (the column names) put in front. @default one empty page
   */
  readonly pages?: readonly (readonly (readonly (string | undefined)[])[])[];
  /** Statistics.DataScannedInBytes of GetQueryExecution. @default none reported */
  readonly dataScannedInBytes?: number;
}

/** Scripts a query from its text when no query is left to `willRun` (e.g. by running it on DuckDB). */
export type QueryResponder = (sql: string) => ScriptedQuery | Promise<ScriptedQuery>;

interface Execution {
  readonly id: string;
  readonly script: ScriptedQuery;
  polls: number;
}

/**
 * An in-memory Athena API for the engine's four calls. Each new ClientRequestToken starts the next scripted
 * query (ids `q-1`, `q-2`, …); a repeated token returns the same id, as Athena's idempotent start does.
 * `failNext` makes a call throw before it does anything (throttling, 5xx, a refused request).
 */
export class ScriptedAthena {
  readonly calls: AthenaCall[] = [];
  /** QueryString of each query actually started, in order (a retried start with the same token once). */
  readonly started: string[] = [];
  private readonly pending: ScriptedQuery[] = [];
  private readonly executions = new Map<string, Execution>();
  private readonly tokens = new Map<string, string>();
  private readonly failures: { op: AthenaOperation; error: Error }[] = [];
  private responder: QueryResponder | undefined;

  readonly client = { send: (command: object) => this.answer(command) } as AthenaApi;

  willRun(...queries: ScriptedQuery[]): this {
    this.pending.push(...queries);
    return this;
  }

  /** Answers every query started once the scripted ones are used up. */
  answerWith(responder: QueryResponder): this {
    this.responder = responder;
    return this;
  }

  failNext(op: AthenaOperation, ...errors: Error[]): this {
    for (const error of errors) this.failures.push({ op, error });
    return this;
  }

  /** The calls of one operation, their inputs only. */
  inputs(op: AthenaOperation): Record<string, unknown>[] {
    return this.calls.filter((call) => call.op === op).map((call) => call.input);
  }

  private async answer(command: object): Promise<unknown> {
    const op = operationOf(command);
    const input = structuredClone((command as { input: Record<string, unknown> }).input);
    this.calls.push({ op, input });
    const failure = this.failures.findIndex((f) => f.op === op);
    if (failure >= 0) throw this.failures.splice(failure, 1)[0]?.error;
    const $metadata = {};
    if (op === 'StartQueryExecution') {
      const token = String(input.ClientRequestToken);
      let id = this.tokens.get(token);
      if (id === undefined) {
        const script = this.pending.shift() ?? (await this.responder?.(String(input.QueryString)));
        if (!script) throw new Error(`unscripted query: ${String(input.QueryString)}`);
        id = `q-${this.executions.size + 1}`;
        this.tokens.set(token, id);
        this.executions.set(id, { id, script, polls: 0 });
        this.started.push(String(input.QueryString));
      }
      return { $metadata, QueryExecutionId: id };
    }
    const execution = this.executions.get(String(input.QueryExecutionId));
    if (!execution) throw new Error(`unknown query execution ${String(input.QueryExecutionId)}`);
    const { script } = execution;
    if (op === 'StopQueryExecution') return { $metadata };
    const statementType = script.statementType ?? 'DML';
    if (op === 'GetQueryExecution') {
      const states = script.states ?? ['SUCCEEDED'];
      const state = states[Math.min(execution.polls++, states.length - 1)];
      return {
        $metadata,
        QueryExecution: {
          QueryExecutionId: execution.id,
          StatementType: statementType,
          SubstatementType: script.substatementType ?? (statementType === 'DML' ? 'SELECT' : undefined),
          Status: {
            State: state,
            StateChangeReason: script.stateChangeReason,
            AthenaError: script.athenaError,
          },
          ...(script.dataScannedInBytes !== undefined && {
            Statistics: { DataScannedInBytes: script.dataScannedInBytes },
          }),
        },
      };
    }
    const pages = script.pages ?? [[]];
    const index =
      input.NextToken === undefined ? 0 : Number(String(input.NextToken).replace('page-', '')) - 1;
    const select = statementType === 'DML' && (script.substatementType ?? 'SELECT') === 'SELECT';
    const names = (script.columns ?? []).map(([name]) => name);
    const values = [...(index === 0 && select ? [names] : []), ...(pages[index] ?? [])];
    const rows: Row[] = values.map((row) => ({
      Data: row.map((value) => (value === undefined ? {} : { VarCharValue: value })),
    }));
    return {
      $metadata,
      ResultSet: {
        Rows: rows,
        ResultSetMetadata: { ColumnInfo: (script.columns ?? []).map(([Name, Type]) => ({ Name, Type })) },
      },
      NextToken: index + 1 < pages.length ? `page-${index + 2}` : undefined,
    };
  }
}

function operationOf(command: object): AthenaOperation {
  if (command instanceof StartQueryExecutionCommand) return 'StartQueryExecution';
  if (command instanceof GetQueryExecutionCommand) return 'GetQueryExecution';
  if (command instanceof GetQueryResultsCommand) return 'GetQueryResults';
  if (command instanceof StopQueryExecutionCommand) return 'StopQueryExecution';
  throw new Error(`the scripted Athena does not answer ${command.constructor.name}`);
}

/** A clock that only moves when the engine sleeps: polling and timeouts without wall-clock luck. */
export function fakeClock() {
  let nowMs = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => nowMs,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      nowMs += ms;
    },
  };
}
