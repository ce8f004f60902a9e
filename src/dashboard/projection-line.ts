/** The projected revenue per minute drawn as a dashed continuation of the actual series. */
export interface ProjectionLine {
  /** How the numbers are made, shown beside the chart. */
  readonly method: string;
  /** From the last actual minute (its actual revenue) through the 60 projected minutes. */
  readonly points: ReadonlyArray<{ readonly minute: string; readonly revenue: number }>;
}

export const PROJECTION_METHOD =
  'Least-squares trend: a straight line through each gadget’s revenue per minute, extended over the next ' +
  '60 minutes and summed (sales_projection.sql); the dashed line spreads that total along the summed slope.';

const HORIZON = 60;

/**
 * The dashed line: `sales_projection` gives each gadget's revenue over the next 60 minutes (the sum of its
 * least-squares line over those minutes) and its slope per minute. The sum of straight lines is a straight
 * line, so total revenue in projected minute m (1…60) is total/60 + slope·(m − 30.5), which sums to the
 * query's total exactly; never drawn below zero.
 */
export function projectionLine(
  actual: ReadonlyArray<Record<string, unknown>>,
  byProduct: ReadonlyArray<Record<string, unknown>>,
): ProjectionLine {
  const last = actual.at(-1);
  if (!last || byProduct.length === 0) return { method: PROJECTION_METHOD, points: [] };
  const total = byProduct.reduce((sum, row) => sum + Number(row.projected_revenue_next_60_min ?? 0), 0);
  const slope = byProduct.reduce((sum, row) => sum + Number(row.revenue_trend_per_minute ?? 0), 0);
  const lastMinute = Date.parse(`${String(last.minute)}:00Z`);
  const points = [{ minute: String(last.minute), revenue: Number(last.revenue ?? 0) }];
  for (let m = 1; m <= HORIZON; m++) {
    points.push({
      minute: new Date(lastMinute + m * 60_000).toISOString().slice(0, 16),
      revenue: Math.max(0, round2(total / HORIZON + slope * (m - (HORIZON + 1) / 2))),
    });
  }
  return { method: PROJECTION_METHOD, points };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
