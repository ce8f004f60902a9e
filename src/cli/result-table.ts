/** Query results for people (an aligned table) and for programs (JSON lines, CSV). */
export type ResultRow = Record<string, unknown>;

/** "1,000 rows", or "10 of 1,000 rows" when only the first are shown. */
export function countOf(shown: number, total = shown): string {
  const rows = `${total.toLocaleString('en-US')} ${total === 1 ? 'row' : 'rows'}`;
  return shown === total ? rows : `${shown.toLocaleString('en-US')} of ${rows}`;
}

/** An aligned table, cells cut at `maxWidth`, with a footer counting the rows (of `total`, when cut short). */
export function formatTable(
  rows: readonly ResultRow[],
  { maxWidth = 60, total = rows.length }: { maxWidth?: number; total?: number } = {},
): string {
  if (rows.length === 0) return total === 0 ? '(no rows)' : `(${countOf(0, total)})`;
  const columns = Object.keys(rows[0] as ResultRow);
  const cells = rows.map((row) => columns.map((column) => cellText(row[column], maxWidth)));
  const widths = columns.map((column, i) =>
    Math.max(column.length, ...cells.map((cell) => (cell[i] as string).length)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [
    line(columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
    `(${countOf(rows.length, total)})`,
  ].join('\n');
}

export function formatCsv(rows: readonly ResultRow[]): string {
  if (rows.length === 0) return '';
  const columns = Object.keys(rows[0] as ResultRow);
  const field = (value: unknown) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [
    columns.map(field).join(','),
    ...rows.map((row) => columns.map((c) => field(row[c])).join(',')),
  ].join('\n');
}

function cellText(value: unknown, maxWidth: number): string {
  const text = value === null || value === undefined ? 'NULL' : String(value);
  return text.length > maxWidth ? `${text.slice(0, maxWidth - 1)}…` : text;
}
