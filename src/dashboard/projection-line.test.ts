import { describe, expect, it } from 'vitest';
import { projectionLine } from './projection-line.ts';

describe('projectionLine', () => {
  it('continues the actual series from its last minute along the summed trend, summing to the query’s total', () => {
    // Two gadgets whose revenue grows 2/min and 1/min: 60-minute totals as sales_projection would give them.
    const line = projectionLine(
      [
        { minute: '2026-12-01T10:00', revenue: 100 },
        { minute: '2026-12-01T10:01', revenue: 103 },
      ],
      [
        {
          product_name: 'Laptop',
          revenue_trend_per_minute: 2,
          projected_revenue_next_60_min: 60 * 70 + 2 * 1830,
        },
        { product_name: 'Phone', revenue_trend_per_minute: 1, projected_revenue_next_60_min: 60 * 33 + 1830 },
      ],
    );
    expect(line.points[0]).toEqual({ minute: '2026-12-01T10:01', revenue: 103 });
    expect(line.points[1]?.minute).toBe('2026-12-01T10:02');
    expect(line.points.at(-1)?.minute).toBe('2026-12-01T11:01');
    const projected = line.points.slice(1).map((p) => p.revenue);
    expect(projected).toHaveLength(60);
    // A straight line with the summed slope (3/min) whose 60 minutes add up to the query's total.
    expect((projected[1] ?? 0) - (projected[0] ?? 0)).toBeCloseTo(3);
    expect(projected.reduce((a, b) => a + b, 0)).toBeCloseTo(60 * 70 + 2 * 1830 + 60 * 33 + 1830, 6);
    expect(line.method).toMatch(/Least-squares/);
  });

  it('never draws below zero, and draws nothing without data', () => {
    const falling = projectionLine(
      [{ minute: '2026-12-01T10:00', revenue: 5 }],
      [{ revenue_trend_per_minute: -10, projected_revenue_next_60_min: 0 }],
    );
    expect(Math.min(...falling.points.map((p) => p.revenue))).toBe(0);
    expect(projectionLine([], []).points).toEqual([]);
  });
});
