import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { DuckDbLake } from '../catalog/duckdb-lake.ts';
import { runConsoleQuery } from './sql-console.ts';

const dir = makeTempDir('sql-console');
let lake: DuckDbLake;
beforeAll(async () => {
  lake = await DuckDbLake.open(dir.path, { lockedDown: {} });
});
afterAll(() => {
  lake.close();
  dir.remove();
});

describe('runConsoleQuery on a locked-down lake', () => {
  it('returns columns and JSON-safe rows, at most maxRows of them', async () => {
    const result = await runConsoleQuery(lake.connection, 'SELECT range AS n, 2 ** 62 AS big FROM range(5)', {
      timeoutMs: 5_000,
      maxRows: 3,
    });
    expect(result.columns).toEqual(['n', 'big']);
    expect(result.rows).toHaveLength(3);
    expect(result.truncated).toBe(true);
    expect(result.totalRows).toBe(5);
    expect(JSON.parse(JSON.stringify(result.rows))).toEqual(result.rows);
    // Counted whatever the statement ends with: a semicolon, a comment.
    const commented = await runConsoleQuery(lake.connection, 'SELECT * FROM range(7); -- all of them', {
      timeoutMs: 5_000,
      maxRows: 2,
    });
    expect(commented).toMatchObject({ truncated: true, totalRows: 7 });
    expect((await runConsoleQuery(lake.connection, 'SELECT 1 AS one')).totalRows).toBe(1);
  });

  it('stops a statement that runs past its timeout, and the connection answers afterwards', async () => {
    await expect(
      runConsoleQuery(lake.connection, 'SELECT count(*) FROM range(1000000000000) a', {
        timeoutMs: 200,
        maxRows: 10,
      }),
    ).rejects.toThrow(/ran longer than 0.2 s and was stopped/);
    expect((await runConsoleQuery(lake.connection, 'SELECT 1 AS one')).rows).toEqual([[1]]);
  });

  it('refuses empty text, two statements, and every statement that is not a SELECT', async () => {
    const refused = async (sql: string) =>
      runConsoleQuery(lake.connection, sql).then(
        () => 'ran',
        (error: Error) => error.message,
      );
    expect(await refused('  ')).toMatch(/Type a SELECT/);
    expect(await refused('SELECT 1; SELECT 2')).toMatch(/one statement at a time; this text holds 2/);
    for (const sql of ['CREATE TABLE t (x INT)', 'SET threads = 4', 'EXPLAIN SELECT 1', "INSTALL 'httpfs'"]) {
      expect(await refused(sql), sql).toMatch(/read-only SELECT statements only; this is a \w+ statement/);
    }
    expect(await refused("SELECT * FROM read_text('/etc/passwd')")).toMatch(/Permission Error/);
    // Where a statement fails: its line and column.
    expect(await refused('SELECT status,\n  count(*)\nFORM orders_cdc')).toMatch(
      /^Parser Error: syntax error at or near "orders_cdc" \(line 3, column 6: "orders_cdc"\)$/,
    );
  });
});
