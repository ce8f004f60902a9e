import {
  InternalServerException,
  InvalidRequestException,
  TooManyRequestsException,
} from '@aws-sdk/client-athena';
import { describe, expect, it } from 'vitest';
import { fakeClock, ScriptedAthena } from '../../test/helpers/scripted-athena.ts';
import {
  AthenaEngine,
  type AthenaEngineOptions,
  AthenaQueryError,
  type AthenaQueryStatistics,
} from './athena-engine.ts';
import { namedQuerySql } from './named-queries.ts';

const BASE = { workGroup: 'gadget-sales-cdc', database: 'gadget_sales_cdc' } as const;

function engineOver(athena: ScriptedAthena, options: Partial<AthenaEngineOptions> = {}) {
  const clock = fakeClock();
  const engine = new AthenaEngine(athena.client, { ...BASE, now: clock.now, sleep: clock.sleep, ...options });
  return { engine, clock };
}

const throttled = () => new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });

describe('AthenaEngine', () => {
  it('starts the query in the workgroup and database, with an output location only when one is given', async () => {
    const athena = new ScriptedAthena().willRun({}, {});
    await engineOver(athena).engine.rows('SELECT 1');
    await engineOver(athena, { catalog: 'other', outputLocation: 's3://results/athena/' }).engine.rows(
      'SELECT 2',
    );

    const [first, second] = athena.inputs('StartQueryExecution');
    expect(first).toEqual({
      QueryString: 'SELECT 1',
      WorkGroup: 'gadget-sales-cdc',
      QueryExecutionContext: { Database: 'gadget_sales_cdc', Catalog: 'AwsDataCatalog' },
      ClientRequestToken: expect.stringMatching(/^[\w-]{32,128}$/),
    });
    expect(first).not.toHaveProperty('ResultConfiguration');
    expect(second).toMatchObject({
      QueryString: 'SELECT 2',
      QueryExecutionContext: { Database: 'gadget_sales_cdc', Catalog: 'other' },
      ResultConfiguration: { OutputLocation: 's3://results/athena/' },
    });
    expect(second?.ClientRequestToken).not.toBe(first?.ClientRequestToken);
  });

  it('polls through QUEUED and RUNNING with doubling waits (capped) until SUCCEEDED', async () => {
    const athena = new ScriptedAthena().willRun({
      states: ['QUEUED', 'QUEUED', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'SUCCEEDED'],
      columns: [['n', 'integer']],
      pages: [[['1']]],
    });
    const { engine, clock } = engineOver(athena, { pollIntervalMs: 100, maxPollIntervalMs: 2_000 });

    expect(await engine.rows('SELECT 1 AS n')).toEqual([{ n: 1 }]);
    expect(athena.inputs('GetQueryExecution')).toHaveLength(8);
    expect(clock.sleeps).toEqual([100, 200, 400, 800, 1_600, 2_000, 2_000]);
    expect(athena.inputs('GetQueryExecution').every((input) => input.QueryExecutionId === 'q-1')).toBe(true);
  });

  it('reads every page by NextToken, dropping the header row that only the first page has', async () => {
    const athena = new ScriptedAthena().willRun({
      columns: [
        ['orderid', 'varchar'],
        ['quantity', 'integer'],
      ],
      pages: [
        [
          ['A', '1'],
          ['B', '2'],
        ],
        [['C', '3']],
        [
          ['D', '4'],
          ['E', '5'],
        ],
      ],
    });
    const rows = await engineOver(athena).engine.rows('SELECT orderid, quantity FROM orders_cdc');

    expect(rows).toEqual([
      { orderid: 'A', quantity: 1 },
      { orderid: 'B', quantity: 2 },
      { orderid: 'C', quantity: 3 },
      { orderid: 'D', quantity: 4 },
      { orderid: 'E', quantity: 5 },
    ]);
    expect(athena.inputs('GetQueryResults')).toEqual([
      { QueryExecutionId: 'q-1', MaxResults: 1000 },
      { QueryExecutionId: 'q-1', MaxResults: 1000, NextToken: 'page-2' },
      { QueryExecutionId: 'q-1', MaxResults: 1000, NextToken: 'page-3' },
    ]);
  });

  it('converts values by column type: exact numbers, booleans, NULL, and text where precision matters', async () => {
    // [column, Athena type, VarCharValue (undefined: SQL NULL), value expected]
    const cases = [
      ['flag', 'boolean', 'true', true],
      ['off', 'boolean', 'false', false],
      ['tiny', 'tinyint', '-3', -3],
      ['qty', 'integer', '42', 42],
      ['events', 'bigint', '9007199254740991', 9007199254740991],
      ['big', 'bigint', '9007199254740993', '9007199254740993'],
      ['ratio', 'double', '0.25', 0.25],
      ['price', 'decimal', '1299.90', '1299.90'],
      ['name', 'varchar', '', ''],
      ['day', 'date', '2026-11-22', '2026-11-22'],
      ['at', 'timestamp', '2026-11-22 10:15:00.123', '2026-11-22 10:15:00.123'],
      ['tags', 'array', '[a, b]', '[a, b]'],
      ['gone', 'varchar', undefined, null],
    ] as const;
    const athena = new ScriptedAthena().willRun({
      columns: cases.map(([name, type]) => [name, type] as const),
      pages: [[cases.map(([, , text]) => text), cases.map(() => undefined)]],
    });
    const [values, nulls] = await engineOver(athena).engine.rows('SELECT …');

    expect(values).toStrictEqual(Object.fromEntries(cases.map(([name, , , value]) => [name, value])));
    expect(nulls).toStrictEqual(Object.fromEntries(cases.map(([name]) => [name, null])));
  });

  it('reports a FAILED query with its id, state, reason, Athena error and the SQL', async () => {
    const athena = new ScriptedAthena().willRun({
      states: ['RUNNING', 'FAILED'],
      stateChangeReason: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved",
      athenaError: { ErrorCategory: 2, ErrorType: 1006, ErrorMessage: "Column 'nope' cannot be resolved" },
    });
    const error = await engineOver(athena)
      .engine.rows('SELECT nope\nFROM orders_cdc')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AthenaQueryError);
    expect(error).toMatchObject({ code: 'ATHENA_QUERY_FAILED', stage: 'catalog' });
    expect((error as Error).message).toBe(
      "Athena query q-1 FAILED: COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved; " +
        'Column \'nope\' cannot be resolved; error category USER; error type 1006. SQL: "SELECT nope"',
    );
    expect(athena.inputs('GetQueryResults')).toEqual([]);
  });

  it('retries a throttled start with the same ClientRequestToken, so the query runs exactly once', async () => {
    const athena = new ScriptedAthena()
      .failNext('StartQueryExecution', throttled(), throttled())
      .failNext(
        'GetQueryResults',
        new InternalServerException({ message: 'oops', $metadata: { httpStatusCode: 500 } }),
      )
      .willRun({ columns: [['n', 'integer']], pages: [[['7']]] });

    expect(await engineOver(athena).engine.rows('SELECT 7 AS n')).toEqual([{ n: 7 }]);
    const starts = athena.inputs('StartQueryExecution');
    expect(starts).toHaveLength(3);
    expect(new Set(starts.map((input) => input.ClientRequestToken)).size).toBe(1);
    expect(athena.started).toEqual(['SELECT 7 AS n']);
    expect(athena.inputs('GetQueryResults')).toHaveLength(2);
  });

  it('reports a refused request at once, without retrying it', async () => {
    const athena = new ScriptedAthena().failNext(
      'StartQueryExecution',
      new InvalidRequestException({ message: 'WorkGroup nope is not found.', $metadata: {} }),
    );
    const error = await engineOver(athena, { workGroup: 'nope' })
      .engine.rows('SELECT 1')
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'ATHENA_REQUEST_FAILED' });
    expect((error as Error).message).toContain(
      'Athena StartQueryExecution failed after 1 attempt(s): InvalidRequestException: WorkGroup nope is not found.',
    );
    expect(athena.calls).toHaveLength(1);
  });

  it('stops a query that outlives the timeout and says so with its id and the time waited', async () => {
    const athena = new ScriptedAthena().willRun({ states: ['RUNNING'] });
    const { engine, clock } = engineOver(athena, { pollIntervalMs: 100, timeoutMs: 1_000 });
    const error = await engine.rows('SELECT * FROM orders_cdc').catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'ATHENA_QUERY_TIMEOUT' });
    expect((error as Error).message).toBe(
      'Athena query q-1 did not finish within the 1000 ms timeout (still RUNNING after 1000 ms); stopped it ' +
        'with StopQueryExecution. SQL: "SELECT * FROM orders_cdc"',
    );
    expect(clock.sleeps).toEqual([100, 200, 400, 300]);
    expect(athena.inputs('StopQueryExecution')).toEqual([{ QueryExecutionId: 'q-1' }]);
  });

  it('stops the query when the signal aborts, and starts none once it has', async () => {
    const controller = new AbortController();
    const athena = new ScriptedAthena().willRun({ states: ['QUEUED', 'RUNNING'] });
    const clock = fakeClock();
    const engine = new AthenaEngine(athena.client, {
      ...BASE,
      signal: controller.signal,
      now: clock.now,
      sleep: async (ms) => {
        await clock.sleep(ms);
        if (clock.sleeps.length === 2) controller.abort();
      },
    });
    const error = await engine.rows('SELECT 1').catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'ATHENA_QUERY_ABORTED' });
    expect((error as Error).message).toMatch(
      /^Athena query q-1 was aborted \(still RUNNING after 300 ms\); stopped it with StopQueryExecution/,
    );
    expect(athena.inputs('StopQueryExecution')).toEqual([{ QueryExecutionId: 'q-1' }]);

    await expect(engine.rows('SELECT 2')).rejects.toMatchObject({ code: 'ATHENA_QUERY_ABORTED' });
    expect(athena.started).toEqual(['SELECT 1']);
  });

  it('creates the view current_orders once, before the first statement that names it', async () => {
    const view = { statementType: 'DDL', substatementType: 'CREATE_VIEW' } as const;
    const athena = new ScriptedAthena().willRun({}, {}, {}, view, {}, {});
    const { engine } = engineOver(athena);
    await engine.rows('SELECT count(*) FROM orders_cdc');
    await engine.rows(namedQuerySql('current_orders'));
    await engine.rows('SELECT * FROM current_orders_archive');
    await engine.rows('SELECT status, count(*) FROM Current_Orders GROUP BY 1');
    await engine.rows(namedQuerySql('revenue_by_product'));

    expect(athena.started).toEqual([
      'SELECT count(*) FROM orders_cdc',
      namedQuerySql('current_orders'),
      'SELECT * FROM current_orders_archive',
      `CREATE OR REPLACE VIEW current_orders AS\n${namedQuerySql('current_orders').trim()}`,
      'SELECT status, count(*) FROM Current_Orders GROUP BY 1',
      namedQuerySql('revenue_by_product'),
    ]);
  });

  it('ranks the current-state table instead of the history when the stack has one', async () => {
    const view = { statementType: 'DDL', substatementType: 'CREATE_VIEW' } as const;
    const athena = new ScriptedAthena().willRun({}, view, {});
    const { engine } = engineOver(athena, { currentOrdersTable: 'current_orders_state' });
    await engine.rows(namedQuerySql('current_orders'));
    await engine.rows(namedQuerySql('revenue_by_product'));

    const overState = namedQuerySql('current_orders')
      .trim()
      .replace('FROM orders_cdc\n', 'FROM current_orders_state\n');
    expect(overState).not.toContain('orders_cdc');
    expect(athena.started).toEqual([
      overState,
      `CREATE OR REPLACE VIEW current_orders AS\n${overState}`,
      namedQuerySql('revenue_by_product'),
    ]);
  });

  it('does not run a query whose view could not be created, and tries the view again next time', async () => {
    const view = { statementType: 'DDL', substatementType: 'CREATE_VIEW' } as const;
    const athena = new ScriptedAthena().willRun(
      { ...view, states: ['FAILED'], stateChangeReason: 'TABLE_NOT_FOUND: orders_cdc' },
      view,
      {},
    );
    const { engine } = engineOver(athena);
    await expect(engine.rows('SELECT * FROM current_orders')).rejects.toThrow(
      /^Athena query q-1 FAILED: TABLE_NOT_FOUND: orders_cdc\. SQL: "CREATE OR REPLACE VIEW current_orders AS"$/,
    );
    await engine.rows('SELECT * FROM current_orders');

    const create = `CREATE OR REPLACE VIEW current_orders AS\n${namedQuerySql('current_orders').trim()}`;
    expect(athena.started).toEqual([create, create, 'SELECT * FROM current_orders']);
  });

  it('keeps every row of statements without a header row: DDL, UTILITY and CTAS', async () => {
    const athena = new ScriptedAthena().willRun(
      { statementType: 'DDL', substatementType: 'CREATE_VIEW' },
      {
        statementType: 'UTILITY',
        substatementType: 'SHOW_TABLES',
        columns: [['tab_name', 'string']],
        pages: [[['orders_cdc'], ['errors']]],
      },
      {
        statementType: 'DML',
        substatementType: 'CREATE_TABLE_AS_SELECT',
        columns: [['rows', 'bigint']],
        pages: [[]],
      },
    );
    const { engine } = engineOver(athena);

    expect(await engine.rows('CREATE OR REPLACE VIEW v AS SELECT 1 AS x')).toEqual([]);
    expect(await engine.rows('SHOW TABLES')).toEqual([{ tab_name: 'orders_cdc' }, { tab_name: 'errors' }]);
    expect(await engine.rows('CREATE TABLE t AS SELECT 1 AS x')).toEqual([]);
  });

  it('tells each query’s end (state, statement type, bytes scanned) before its results are read', async () => {
    const view = { statementType: 'DDL', substatementType: 'CREATE_VIEW', dataScannedInBytes: 0 } as const;
    const athena = new ScriptedAthena().willRun(
      view,
      {
        states: ['RUNNING', 'SUCCEEDED'],
        dataScannedInBytes: 123_456,
        columns: [['n', 'bigint']],
        pages: [[['3']]],
      },
      { states: ['FAILED'], stateChangeReason: 'SYNTAX_ERROR', dataScannedInBytes: 0 },
      { states: ['RUNNING'], dataScannedInBytes: 5_000 },
    );
    const seen: AthenaQueryStatistics[] = [];
    const { engine } = engineOver(athena, {
      timeoutMs: 300,
      onQueryStatistics: (statistics) =>
        seen.push({ ...statistics, sql: statistics.sql.split('\n')[0] ?? '' }),
    });
    await engine.rows('SELECT count(*) AS n FROM current_orders');
    await engine.rows('SELEC 1').catch(() => undefined);
    await engine.rows('SELECT * FROM orders_cdc').catch(() => undefined);

    expect(seen).toEqual([
      {
        queryExecutionId: 'q-1',
        sql: 'CREATE OR REPLACE VIEW current_orders AS',
        state: 'SUCCEEDED',
        statementType: 'DDL',
        substatementType: 'CREATE_VIEW',
        dataScannedInBytes: 0,
      },
      {
        queryExecutionId: 'q-2',
        sql: 'SELECT count(*) AS n FROM current_orders',
        state: 'SUCCEEDED',
        statementType: 'DML',
        substatementType: 'SELECT',
        dataScannedInBytes: 123_456,
      },
      expect.objectContaining({ queryExecutionId: 'q-3', state: 'FAILED', dataScannedInBytes: 0 }),
      // Stopped on its timeout: what it had scanned by then.
      expect.objectContaining({ queryExecutionId: 'q-4', state: 'RUNNING', dataScannedInBytes: 5_000 }),
    ]);
    expect(athena.inputs('StopQueryExecution')).toEqual([{ QueryExecutionId: 'q-4' }]);
  });

  it('reads no more result pages than maxRows needs', async () => {
    const page = (from: number) => Array.from({ length: 2 }, (_, i) => [String(from + i)]);
    const athena = new ScriptedAthena().willRun(
      { columns: [['n', 'integer']], pages: [page(1), page(3), page(5), page(7)] },
      { columns: [['n', 'integer']], pages: [page(1)] },
    );
    const { engine } = engineOver(athena, { maxRows: 3 });

    expect(await engine.rows('SELECT n FROM t')).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(athena.inputs('GetQueryResults')).toHaveLength(2);
    expect(await engine.rows('SELECT n FROM u')).toEqual([{ n: 1 }, { n: 2 }]);
  });
});
