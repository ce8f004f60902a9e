import { describe, expect, it } from 'vitest';
import { projectionLine } from './projection-line.ts';

const gadget = (actual: string | null, projected: string | null) => ({
  product_name: 'Drone',
  backtest_actual_last_5_min: actual,
  backtest_projected_last_5_min: projected,
});

describe('projectionLine', () => {
  it('draws the SQL’s minutes at their UTC minute, with the band', () => {
    const line = projectionLine(12, {
      byProduct: [gadget('500.00', '550.00')],
      minutes: [{ minuteIndex: 29_396_701, revenue: '120.50', low: 80.25, high: 160.75 }],
    });
    expect(line.points).toEqual([{ minute: '2025-11-22T09:01', revenue: 120.5, low: 80.25, high: 160.75 }]);
    expect(line.completeMinutes).toBe(10);
    expect(line.neededMinutes).toBe(5);
    expect(line.method).toMatch(/^Method: ordinary least squares/);
  });

  it('sums the backtest over the gadgets in cents and gives its error in percent', () => {
    const line = projectionLine(20, {
      byProduct: [gadget('100.10', '90.05'), gadget('200.20', '230.30'), gadget(null, null)],
      minutes: [],
    });
    expect(line.backtest).toEqual({ actual: 300.3, projected: 320.35, errorPercent: 6.7 });
  });

  it('has no backtest before there is history for one, and no error percentage when nothing sold', () => {
    expect(projectionLine(3, { byProduct: [], minutes: [] })).toMatchObject({
      completeMinutes: 1,
      points: [],
      backtest: undefined,
    });
    expect(projectionLine(0, { byProduct: [], minutes: [] }).completeMinutes).toBe(0);
    expect(projectionLine(20, { byProduct: [gadget('0.00', '5.00')], minutes: [] }).backtest).toEqual({
      actual: 0,
      projected: 5,
      errorPercent: undefined,
    });
  });
});
