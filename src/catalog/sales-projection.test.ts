import { describe, expect, it } from 'vitest';
import { plainRow, writeLakeOf } from '../../test/helpers/lake-of-events.ts';
import { type SalesSeries, salesSeriesRecords } from '../../test/helpers/sales-series.ts';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { DuckDbLake } from './duckdb-lake.ts';
import { namedQuerySql } from './named-queries.ts';
import { projectionMethod, projectionPanelRows, projectionPanelSql } from './sales-projection.ts';

/**
 * `sales_projection` on adversarial series (issue 17): each series is a gadget's revenue per minute, one order a
 * minute placed at :30, minute 0 and the last minute being the cut-short ones a run starts and stops in.
 */
type Series = SalesSeries;

const START = Date.parse('2026-11-22T09:00:00.000Z');

async function projection(
  series: Series,
  sql = namedQuerySql('sales_projection'),
): Promise<Record<string, unknown>[]> {
  const dir = makeTempDir('sales-projection');
  try {
    const records = salesSeriesRecords(series, START);
    await writeLakeOf(dir.path, records);
    const lake = await DuckDbLake.open(dir.path);
    try {
      return (await lake.rows(sql)).map(plainRow);
    } finally {
      lake.close();
    }
  } finally {
    dir.remove();
  }
}

/** The series with a cut-short first and last minute around `complete` (10 and 7: what partial minutes sell). */
const run = (complete: readonly number[]) => [10, ...complete, 7];

/** Least squares by the textbook, for the values the SQL must reproduce: y = a + b·x, x = −(n−1) … 0. */
function oracle(ys: readonly number[]) {
  const n = ys.length;
  const xs = ys.map((_, i) => i - (n - 1));
  const xMean = xs.reduce((s, x) => s + x, 0) / n;
  const yMean = ys.reduce((s, y) => s + y, 0) / n;
  const sxx = xs.reduce((s, x) => s + (x - xMean) ** 2, 0);
  const b = xs.reduce((s, x, i) => s + (x - xMean) * ((ys[i] as number) - yMean), 0) / sxx;
  const a = yMean - b * xMean;
  const perMinute = Array.from({ length: 60 }, (_, i) =>
    Math.max(0, Math.round((a + b * (i + 1)) * 100) / 100),
  );
  const total = Math.round(perMinute.reduce((s, v) => s + v, 0) * 100) / 100;
  const sse = xs.reduce((s, x, i) => s + ((ys[i] as number) - a - b * x) ** 2, 0);
  const sigma = Math.sqrt(sse / (n - 2));
  const half = 1.96 * sigma * Math.sqrt(60 + 3600 / n + (3600 * (30.5 - xMean) ** 2) / sxx);
  return { a, b, total, low: Math.max(0, total - half), high: total + half };
}

describe('sales_projection', () => {
  it('projects nothing before 5 complete minutes', async () => {
    expect(await projection({ Drone: run([100, 100, 100, 100]) })).toEqual([]);
  });

  it('flat: 100 a minute stays 100 a minute, 6,000 over the hour, with no spread and a perfect backtest', async () => {
    expect(await projection({ Drone: run(Array(10).fill(100)) })).toEqual([
      {
        product_name: 'Drone',
        minutes_used: 10,
        revenue_per_minute_now: 100,
        trend_per_minute: 0,
        projected_next_60_min: '6000.00',
        low_95: 6000,
        high_95: 6000,
        backtest_actual_last_5_min: '500.00',
        backtest_projected_last_5_min: '500.00',
      },
    ]);
  });

  it('a straight rise of 100 a minute continues: minute m after the last is 1,000 + 100·m', async () => {
    const [row] = await projection({ Drone: run([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]) });
    expect(row).toMatchObject({
      revenue_per_minute_now: 1000,
      trend_per_minute: 100,
      projected_next_60_min: String((60 * 1000 + 100 * 1830).toFixed(2)),
      low_95: 243000,
      high_95: 243000,
      backtest_actual_last_5_min: '4000.00',
      backtest_projected_last_5_min: '4000.00',
    });
  });

  it('noisy: the projection is the least-squares line and the interval widens with the noise', async () => {
    const noisy = [90, 115, 95, 120, 85, 110, 100, 125, 90, 105, 115, 95];
    const [row] = await projection({ Drone: run(noisy) });
    const expected = oracle(noisy);
    expect(Number(row?.projected_next_60_min)).toBeCloseTo(expected.total, 2);
    expect(row?.low_95).toBeCloseTo(expected.low, 2);
    expect(row?.high_95).toBeCloseTo(expected.high, 2);
    expect(Number(row?.high_95) - Number(row?.low_95)).toBeGreaterThan(1000);
  });

  it('a spike moves the line by its share of the window and widens the interval, and the backtest shows the miss', async () => {
    const spiked = [100, 100, 100, 100, 10_000, 100, 100, 100, 100, 100];
    const [row] = await projection({ Drone: run(spiked) });
    const expected = oracle(spiked);
    expect(Number(row?.projected_next_60_min)).toBeCloseTo(expected.total, 2);
    expect(Number(row?.low_95)).toBe(0);
    expect(Number(row?.high_95)).toBeCloseTo(expected.high, 2);
    // The last 5 complete minutes sold 500; projected from the five before them (the spike among them), more.
    expect(row?.backtest_actual_last_5_min).toBe('500.00');
    expect(Number(row?.backtest_projected_last_5_min)).toBeGreaterThan(500);
  });

  it('a run that starts mid-minute: the first minute’s few sales are no point of the line', async () => {
    const [row] = await projection({ Drone: [1, ...Array(6).fill(100), 100] });
    expect(row).toMatchObject({ minutes_used: 6, trend_per_minute: 0, projected_next_60_min: '6000.00' });
  });

  it('a gadget that stops selling projects to zero, never below; one that starts late rises, and minutes without its sales count as zero', async () => {
    const stops = [100, 100, 100, 100, 100, 0, 0, 0, 0, 0];
    const starts = [0, 0, 0, 0, 0, 100, 100, 100, 100, 100];
    const rows = await projection({ Camera: run(stops), Drone: run(starts) });
    const byName = Object.fromEntries(rows.map((row) => [row.product_name, row]));
    expect(byName.Camera).toMatchObject({ projected_next_60_min: '0.00', low_95: 0 });
    expect(Number(byName.Camera?.trend_per_minute)).toBeCloseTo(oracle(stops).b, 2);
    expect(Number(byName.Drone?.projected_next_60_min)).toBeCloseTo(oracle(starts).total, 2);
    expect(Number(byName.Drone?.trend_per_minute)).toBeCloseTo(1250 / 82.5, 2);
    // Sorted by what is projected.
    expect(rows.map((row) => row.product_name)).toEqual(['Drone', 'Camera']);
  });

  it('uses the last 30 complete minutes only', async () => {
    // 20 minutes at 1,000, then 30 at 100: the old level is outside the window.
    const [row] = await projection({ Drone: run([...Array(20).fill(1000), ...Array(30).fill(100)]) });
    expect(row).toMatchObject({ minutes_used: 30, trend_per_minute: 0, projected_next_60_min: '6000.00' });
  });
});

describe('the projection panel', () => {
  const series: Series = {
    Camera: run([300, 280, 310, 260, 240, 250, 200, 210, 190, 150]),
    Drone: run([90, 115, 95, 120, 85, 110, 100, 125, 90, 105]),
    Phone: run([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]),
  };
  const cents = (value: unknown) => BigInt(String(value).replace('.', ''));

  it('has the named query’s rows exactly, and a line whose minutes add up to its total to the cent', async () => {
    const query = await projection(series);
    const { byProduct, minutes } = projectionPanelRows(await projection(series, projectionPanelSql()));
    expect(byProduct).toEqual(query);
    expect(minutes).toHaveLength(60);
    // Consecutive minutes after the last complete one (minute 10 of the run, counted from 1970).
    const lastComplete = (START + 10 * 60_000) / 60_000;
    expect(minutes.map((m) => m.minuteIndex)).toEqual(
      Array.from({ length: 60 }, (_, i) => lastComplete + i + 1),
    );
    const lineTotal = minutes.reduce((sum, m) => sum + cents(m.revenue), 0n);
    const tableTotal = query.reduce((sum, row) => sum + cents(row.projected_next_60_min), 0n);
    expect(lineTotal).toBe(tableTotal);
    for (const m of minutes) {
      expect(Number(m.low)).toBeLessThanOrEqual(Number(m.revenue));
      expect(Number(m.high)).toBeGreaterThan(Number(m.revenue));
      expect(Number(m.low)).toBeGreaterThanOrEqual(0);
    }
  });

  it('draws nothing before 5 complete minutes', async () => {
    expect(projectionPanelRows(await projection({ Drone: run([1, 2, 3]) }, projectionPanelSql()))).toEqual({
      byProduct: [],
      minutes: [],
    });
  });

  it('names its method in the SQL’s own words', () => {
    expect(projectionMethod()).toMatch(
      /^Method: ordinary least squares per gadget .* Nothing is projected before 5 complete minutes\./,
    );
    expect(projectionMethod()).toContain('Backtest: the last 5 complete minutes projected');
  });
});
