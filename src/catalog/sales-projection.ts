import { namedQuerySql } from './named-queries.ts';

/** Complete minutes `sales_projection` needs before it projects anything (its SQL says so too). */
export const PROJECTION_MIN_MINUTES = 5;

/** Where `sales_projection.sql` turns from its common table expressions to its answer. */
const ANSWER = '\n-- answer:\n';

/** The columns of `sales_projection`'s answer, one row per gadget. */
const GADGET_COLUMNS = [
  'product_name',
  'minutes_used',
  'revenue_per_minute_now',
  'trend_per_minute',
  'projected_next_60_min',
  'low_95',
  'high_95',
  'backtest_actual_last_5_min',
  'backtest_projected_last_5_min',
] as const;

/**
 * How `sales_projection` projects, in the SQL's own words: the comment lines that open the file (after its
 * summary line, up to the SQL), so the page names the method exactly as the query does.
 */
export function projectionMethod(): string {
  const lines = namedQuerySql('sales_projection').split('\n').slice(1);
  const header = lines.slice(
    0,
    lines.findIndex((line) => !line.startsWith('-- ')),
  );
  return header
    .map((line) => line.slice(3))
    .join(' ')
    .replace(/\s+/g, ' ');
}

/**
 * `sales_projection`'s answer and its dashed line in one statement, so that both read the lake as it was at one
 * moment: rows with `part` = 'gadget' are the named query's rows, exactly; rows with `part` = 'minute' are the
 * line, per projected minute (`minute_index`, minutes since 1970) the revenue of every gadget in that minute
 * summed (`minute_revenue`) from the same projected minutes as the totals — the same decimals, so the line's
 * minutes add up to the table's total to the cent — with a 95% band (`low_95`, `high_95`: the gadgets' variances
 * added, as independent; floored at zero).
 */
export function projectionPanelSql(): string {
  const sql = namedQuerySql('sales_projection');
  const [expressions, answer, ...more] = sql.split(ANSWER);
  if (expressions === undefined || answer === undefined || more.length > 0)
    throw new Error(`sales_projection.sql must have exactly one "${ANSWER.trim()}" line`);
  const nulls = (names: readonly string[]) => names.map((name) => `NULL AS ${name}`);
  return `${expressions},
per_minute AS (
  SELECT
    l.last_complete + p.m AS minute_index,
    sum(p.revenue) AS minute_revenue,
    round(greatest(0, sum(p.revenue) - 1.96 * sqrt(sum(p.variance))), 2) AS low_95,
    round(sum(p.revenue) + 1.96 * sqrt(sum(p.variance)), 2) AS high_95
  FROM projected AS p CROSS JOIN latest AS l
  GROUP BY l.last_complete, p.m
)
SELECT 'gadget' AS part, ${GADGET_COLUMNS.join(', ')}, CAST(NULL AS BIGINT) AS minute_index, NULL AS minute_revenue
FROM per_gadget
UNION ALL
SELECT 'minute' AS part, ${[
    ...nulls(GADGET_COLUMNS.slice(0, 5)),
    'low_95',
    'high_95',
    ...nulls(GADGET_COLUMNS.slice(7)),
  ].join(', ')}, minute_index, minute_revenue
FROM per_minute
ORDER BY part, projected_next_60_min DESC, product_name, minute_index`;
}

/** Splits the rows of `projectionPanelSql` into the named query's rows and the line's. */
export function projectionPanelRows(rows: ReadonlyArray<Record<string, unknown>>): {
  byProduct: Record<string, unknown>[];
  minutes: Array<{ minuteIndex: number; revenue: unknown; low: unknown; high: unknown }>;
} {
  return {
    byProduct: rows
      .filter((row) => row.part === 'gadget')
      .map((row) => Object.fromEntries(GADGET_COLUMNS.map((name) => [name, row[name]]))),
    minutes: rows
      .filter((row) => row.part === 'minute')
      .map((row) => ({
        minuteIndex: Number(row.minute_index),
        revenue: row.minute_revenue,
        low: row.low_95,
        high: row.high_95,
      })),
  };
}
