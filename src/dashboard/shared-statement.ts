type Row = Record<string, unknown>;

/** One panel's statement inside a shared statement. */
export interface StatementPart {
  /**
   * Its SQL, as it runs alone. Its rows keep the order of its final `ORDER BY` (one line, over its own output
   * columns, optionally followed by a `LIMIT` line); a part without one has no order.
   */
  readonly sql: string;
  /** Its output columns, in order. */
  readonly columns: readonly string[];
  /** Only its last rows, in its order, are sent; the others are counted (`total`). @default all */
  readonly last?: number;
}

/** One part's rows out of a shared statement, and how many it had before `last` cut them. */
export interface PartRows {
  readonly rows: Row[];
  readonly total: number;
}

/**
 * Several panels' statements as one, for Athena, which bills every query at least 10 MB scanned: each part is
 * a common table expression numbering its rows in its own order, and the answer is their union, each row
 * tagged with its part (`panel`) and its place (`panel_row`), the part's columns prefixed by its name
 * (`<part>__<column>`) and NULL in the other parts' rows. Trino inlines each expression where it is used,
 * so the statement scans what its parts would scan alone; what it saves is the minimum charge and the latency of
 * every part but one, and all its parts read the lake at one moment.
 *
 * Both engines ignore an `ORDER BY` inside a subquery for the rows' order (Trino drops it), so each part's
 * order is kept by `row_number()` over the keys of its final `ORDER BY`, and the union is ordered by it.
 */
export function sharedStatement(parts: Readonly<Record<string, StatementPart>>): string {
  const names = Object.keys(parts);
  const expressions = names.map((name) => {
    const part = parts[name] as StatementPart;
    const keys = orderKeys(name, part.sql);
    return (
      `part_${name} AS (\n  SELECT *, row_number() OVER (${keys ? `ORDER BY ${keys}` : ''}) AS panel_row, ` +
      `count(*) OVER () AS panel_rows\n  FROM (\n${bare(part.sql)}\n  ) AS part\n)`
    );
  });
  const branches = names.map((name) => {
    const part = parts[name] as StatementPart;
    const columns = names.flatMap((other) =>
      (parts[other] as StatementPart).columns.map((column) =>
        other === name ? `${column} AS ${name}__${column}` : `NULL AS ${other}__${column}`,
      ),
    );
    const last = part.last === undefined ? '' : `\nWHERE panel_row > panel_rows - ${part.last}`;
    return `SELECT '${name}' AS panel, panel_row, panel_rows, ${columns.join(', ')}\nFROM part_${name}${last}`;
  });
  return `WITH ${expressions.join(',\n')}\n${branches.join('\nUNION ALL\n')}\nORDER BY panel, panel_row`;
}

/** The rows of `sharedStatement(parts)` back as each part's own rows, in its order. */
export function splitSharedRows(
  parts: Readonly<Record<string, StatementPart>>,
  rows: readonly Row[],
): Record<string, PartRows> {
  const split: Record<string, { rows: Row[]; total: number }> = {};
  for (const name of Object.keys(parts)) split[name] = { rows: [], total: 0 };
  for (const row of rows) {
    const name = String(row.panel);
    const part = parts[name];
    const into = split[name];
    if (!part || !into) throw new Error(`a shared statement answered a row of no part: ${name}`);
    into.rows.push(Object.fromEntries(part.columns.map((column) => [column, row[`${name}__${column}`]])));
    into.total = Number(row.panel_rows);
  }
  return split;
}

/** The statement without a final semicolon, so that it can be a subquery. */
function bare(sql: string): string {
  return sql.trim().replace(/;\s*$/, '');
}

/** The keys of the statement's final `ORDER BY`, or undefined when it has none. */
function orderKeys(name: string, sql: string): string | undefined {
  const statement = bare(sql);
  const keys = /\nORDER BY ([^\n]+)(?:\s*\nLIMIT \d+)?$/i.exec(statement)?.[1];
  // An ORDER BY after the last parenthesis is the statement's own: one spelled otherwise would be lost here.
  if (keys === undefined && /\bORDER\s+BY\b[^)]*$/i.test(statement))
    throw new Error(
      `the statement of panel ${name} must end with its ORDER BY on one line (then LIMIT, if any)`,
    );
  return keys?.trim();
}
