import { PROJECTION_MIN_MINUTES, projectionMethod } from '../catalog/sales-projection.ts';

/** One projected minute of the dashed line: the revenue of every gadget in it, and its 95% band. */
export interface ProjectedMinute {
  /** `YYYY-MM-DDTHH:MM`, UTC. */
  readonly minute: string;
  readonly revenue: number;
  readonly low: number;
  readonly high: number;
}

/** What the page shows of `sales_projection` beside its table. */
export interface ProjectionLine {
  /** How the numbers are made, in the SQL's own words. */
  readonly method: string;
  /** Complete minutes so far (minutes with orders, less the first and the last), and how many it needs. */
  readonly completeMinutes: number;
  readonly neededMinutes: number;
  /** The next 60 minutes after the last complete one; none until there are enough complete minutes. */
  readonly points: readonly ProjectedMinute[];
  /**
   * The last 5 complete minutes projected from the ones before, over every gadget, beside what they actually
   * sold; undefined until there is history enough for that too.
   */
  readonly backtest:
    | { readonly actual: number; readonly projected: number; readonly errorPercent: number | undefined }
    | undefined;
}

/**
 * The page's projection from one `projectionPanelSql` result (`minutes`, and `byProduct`: the named query's
 * rows) and the minutes with sales: the line as the SQL made it, the backtest summed over the gadgets in cents.
 */
export function projectionLine(
  minutesWithSales: number,
  panel: {
    readonly byProduct: ReadonlyArray<Record<string, unknown>>;
    readonly minutes: ReadonlyArray<{ minuteIndex: number; revenue: unknown; low: unknown; high: unknown }>;
  },
): ProjectionLine {
  const points = panel.minutes.map((m) => ({
    minute: new Date(m.minuteIndex * 60_000).toISOString().slice(0, 16),
    revenue: Number(m.revenue),
    low: Number(m.low),
    high: Number(m.high),
  }));
  const tested = panel.byProduct.filter((row) => row.backtest_actual_last_5_min != null);
  const cents = (key: string) => tested.reduce((sum, row) => sum + Math.round(Number(row[key]) * 100), 0);
  const actual = cents('backtest_actual_last_5_min');
  const projected = cents('backtest_projected_last_5_min');
  return {
    method: projectionMethod(),
    completeMinutes: Math.max(0, minutesWithSales - 2),
    neededMinutes: PROJECTION_MIN_MINUTES,
    points,
    backtest:
      tested.length > 0
        ? {
            actual: actual / 100,
            projected: projected / 100,
            errorPercent: actual > 0 ? Math.round(((projected - actual) / actual) * 1000) / 10 : undefined,
          }
        : undefined,
  };
}
