import { describe, expect, it } from 'vitest';
import { fakeClock, ScriptedAthena } from '../../test/helpers/scripted-athena.ts';
import { AthenaConsole, consoleRefusal } from './athena-console.ts';

describe('consoleRefusal: one read-only query, read as Trino reads it', () => {
  it('lets one SELECT or WITH … SELECT through, whatever comments and literals hold', () => {
    for (const sql of [
      'SELECT 1',
      'select status, count(*) from current_orders group by 1;',
      '  -- the mix\nSELECT * FROM orders_cdc; -- all of it\n',
      '/* a; b */ WITH x AS (SELECT 1 AS n) SELECT n FROM x',
      '(SELECT 1) UNION ALL (SELECT 2)',
      "SELECT 'a;b', 'it''s; fine', \"odd;name\" FROM orders_cdc",
      "SELECT 'DROP TABLE orders_cdc; --'",
    ])
      expect(consoleRefusal(sql), sql).toBeUndefined();
  });

  it('refuses empty text, a second statement and anything that is not a query, before it runs', () => {
    expect(consoleRefusal('  -- nothing\n')).toBe('Type a SELECT statement to run.');
    expect(consoleRefusal('SELECT 1; SELECT 2')).toMatch(/one statement at a time; this text holds 2/);
    expect(consoleRefusal("SELECT ';'; DROP TABLE orders_cdc")).toMatch(/this text holds 2/);
    expect(consoleRefusal('SELECT 1 /* ; */ ; -- ;\n DELETE FROM orders_cdc')).toMatch(/holds 2/);
    for (const [sql, kind] of [
      ['DROP TABLE orders_cdc', 'DROP'],
      ['CREATE TABLE t AS SELECT * FROM orders_cdc', 'CREATE'],
      ["INSERT INTO orders_cdc SELECT * FROM orders_cdc WHERE dt = '2026-01-01'", 'INSERT'],
      ["UNLOAD (SELECT * FROM orders_cdc) TO 's3://elsewhere/' WITH (format = 'JSON')", 'UNLOAD'],
      ['/* SELECT */ MSCK REPAIR TABLE orders_cdc', 'MSCK'],
      ['-- SELECT\nALTER TABLE orders_cdc ADD COLUMNS (x string)', 'ALTER'],
      ["USING EXTERNAL FUNCTION f(x int) RETURNS int LAMBDA 'fn' SELECT f(1)", 'USING'],
      ['EXPLAIN SELECT 1', 'EXPLAIN'],
      ['SHOW TABLES', 'SHOW'],
    ])
      expect(consoleRefusal(sql as string), sql).toBe(
        `The console runs read-only SELECT statements only; this is a ${kind} statement.`,
      );
  });

  it('refuses text whose comment, string or quoted name never ends', () => {
    expect(consoleRefusal('SELECT 1 /* open')).toBe('The statement has an unterminated comment.');
    expect(consoleRefusal("SELECT 'open; DROP TABLE t")).toBe('The statement has an unterminated string.');
    expect(consoleRefusal('SELECT "open')).toBe('The statement has an unterminated quoted identifier.');
  });
});

function consoleOver(athena: ScriptedAthena, limits = { timeoutMs: 1_000, maxRows: 2 }) {
  const clock = fakeClock();
  const ran: string[] = [];
  const console = new AthenaConsole(
    athena.client,
    {
      workGroup: 'wg',
      database: 'db',
      now: clock.now,
      sleep: clock.sleep,
      onQueryStatistics: (s) => ran.push(s.state),
    },
    limits,
    5,
  );
  return { console, ran };
}

const refusedWith = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ran',
    (error: { code: string; message: string }) => `${error.code}: ${error.message}`,
  );

describe('AthenaConsole', () => {
  it('runs a SELECT: its first rows, whether there were more, what it scanned and cost', async () => {
    const athena = new ScriptedAthena().willRun({
      columns: [
        ['status', 'varchar'],
        ['orders', 'bigint'],
      ],
      pages: [
        [
          ['PAID', '3'],
          ['PLACED', '2'],
        ],
        [['SHIPPED', '1']],
        [['DELIVERED', '9']],
      ],
      dataScannedInBytes: 25 * 2 ** 20 + 1,
    });
    const { console, ran } = consoleOver(athena);
    const result = await console.run('SELECT status, count(*) AS orders FROM orders_cdc GROUP BY 1');

    expect(result).toMatchObject({
      columns: ['status', 'orders'],
      rows: [
        ['PAID', 3],
        ['PLACED', 2],
      ],
      truncated: true,
      totalRows: undefined,
      // Rounded up to whole megabytes: 26 MB at $5 per TB.
      athena: {
        queries: 1,
        scannedBytes: 25 * 2 ** 20 + 1,
        billedBytes: 26 * 2 ** 20,
        costUsd: (26 / 2 ** 20) * 5,
      },
    });
    // The third page is never read: two rows are shown, a third says there are more.
    expect(athena.inputs('GetQueryResults')).toHaveLength(2);
    expect(ran).toEqual(['SUCCEEDED']);
  });

  it('starts no query for a refused statement', async () => {
    const athena = new ScriptedAthena();
    const { console } = consoleOver(athena);
    expect(await refusedWith(console.run('DROP TABLE orders_cdc'))).toMatch(
      /^CONSOLE_REFUSED: The console runs read-only SELECT statements only; this is a DROP statement\.$/,
    );
    expect(await refusedWith(console.run('SELECT 1; SELECT 2'))).toMatch(/^CONSOLE_REFUSED: .*one statement/);
    expect(athena.calls).toEqual([]);
  });

  it('shows no rows of a statement Athena ran as anything but a SELECT', async () => {
    const athena = new ScriptedAthena().willRun({
      statementType: 'UTILITY',
      substatementType: 'SHOW_TABLES',
      columns: [['tab_name', 'varchar']],
      pages: [[['orders_cdc']]],
    });
    const { console } = consoleOver(athena);
    expect(await refusedWith(console.run('SELECT 1'))).toBe(
      'CONSOLE_REFUSED: Athena ran this as a UTILITY (SHOW_TABLES), not a SELECT: its result is not shown.',
    );
  });

  it('stops a statement past its timeout with StopQueryExecution, and says so', async () => {
    const athena = new ScriptedAthena().willRun({ states: ['RUNNING'], dataScannedInBytes: 3 * 2 ** 30 });
    const { console, ran } = consoleOver(athena, { timeoutMs: 1_000, maxRows: 10 });
    expect(await refusedWith(console.run('SELECT * FROM orders_cdc'))).toBe(
      'CONSOLE_TIMEOUT: The statement ran longer than 1 s and was stopped (StopQueryExecution). Narrow it (a WHERE on dt, a LIMIT).',
    );
    expect(athena.inputs('StopQueryExecution')).toEqual([{ QueryExecutionId: 'q-1' }]);
    // Billed for what it scanned by then: the session counts it.
    expect(ran).toEqual(['RUNNING']);
  });

  it('reports the workgroup’s scan limit in Athena’s words', async () => {
    const athena = new ScriptedAthena().willRun({
      states: ['CANCELLED'],
      stateChangeReason: 'Query cancelled! : Bytes scanned limit was exceeded',
    });
    const { console } = consoleOver(athena);
    expect(await refusedWith(console.run('SELECT * FROM orders_cdc'))).toMatch(
      /^CONSOLE_FAILED: Athena query q-1 CANCELLED: Query cancelled! : Bytes scanned limit was exceeded\./,
    );
    // The workgroup's settings are the workgroup's: no result configuration is ever sent.
    expect(athena.inputs('StartQueryExecution')[0]).not.toHaveProperty('ResultConfiguration');
  });

  it('runs one statement at a time', async () => {
    const athena = new ScriptedAthena().willRun({ states: ['RUNNING', 'RUNNING', 'SUCCEEDED'] }, {});
    const { console } = consoleOver(athena);
    const first = console.run('SELECT 1');
    expect(await refusedWith(console.run('SELECT 2'))).toMatch(
      /^CONSOLE_REFUSED: A console statement is still running/,
    );
    await first;
    expect(await refusedWith(console.run('SELECT 3'))).toBe('ran');
    expect(athena.started).toEqual(['SELECT 1', 'SELECT 3']);
  });
});
