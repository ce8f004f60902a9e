import { describe, expect, it } from 'vitest';
import { compactSqlMessage, invalidSqlError } from './invalid-sql-error.ts';

describe('DuckDB SQL errors on one line', () => {
  it('turns LINE and caret into a line, a column and what stands there', () => {
    expect(
      compactSqlMessage(
        'Parser Error: syntax error at or near "SELEC"\n\nLINE 1: SELEC x\n        ^',
        'SELEC x',
      ),
    ).toBe('Parser Error: syntax error at or near "SELEC" (line 1, column 1: "SELEC x")');
    expect(
      compactSqlMessage(
        'Binder Error: Referenced column "nosuch" not found in FROM clause!\nCandidate bindings: "range"\n\nLINE 2: SELECT nosuch FROM range(3)\n               ^',
        '-- a comment\nSELECT nosuch FROM range(3)',
      ),
    ).toBe(
      'Binder Error: Referenced column "nosuch" not found in FROM clause! Candidate bindings: "range" (line 2, column 8: "nosuch FROM range(3)")',
    );
  });

  it('finds the column in a line DuckDB shortened with "..."', () => {
    const sql = `SELECT ${'a, '.repeat(60)} FROM WHERE`;
    const shown = `...${sql.slice(-60)}`;
    const caret = ' '.repeat('LINE 1: '.length + shown.length - 5);
    expect(
      compactSqlMessage(`Parser Error: syntax error at or near "WHERE"\n\nLINE 1: ${shown}\n${caret}^`, sql),
    ).toBe(`Parser Error: syntax error at or near "WHERE" (line 1, column ${sql.length - 4}: "WHERE")`);
  });

  it('is only for errors of the statement itself', () => {
    expect(invalidSqlError(new Error('Catalog Error: Table with name x does not exist!'), 'x')?.code).toBe(
      'INVALID_SQL',
    );
    expect(invalidSqlError(new Error('IO Error: Cannot open file'), 'x')).toBeUndefined();
  });
});
