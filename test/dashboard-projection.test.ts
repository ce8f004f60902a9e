import type { ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbLake } from '../src/catalog/duckdb-lake.ts';
import { namedQuerySql } from '../src/catalog/named-queries.ts';
import { launchChromium } from './helpers/browser.ts';
import { writeLakeOf } from './helpers/lake-of-events.ts';
import { waitFor } from './helpers/processes.ts';
import { salesSeriesRecords } from './helpers/sales-series.ts';
import { CLI, collectOutput, spawnTsx } from './helpers/spawn-tsx.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

/**
 * The projection as a person sees it (issue 17): `gadget-cdc dashboard` over lakes of known history, in Chromium.
 * Before 5 complete minutes it says so and draws nothing; after, the dashed line, the table and `query
 * sales_projection` agree to the cent, and the line never sets the chart's scale.
 */
const START = Date.parse('2026-11-22T09:00:00.000Z');
const HISTORY = {
  // Falling fast: its projection soon floors at zero, where an unfloored sum of slopes would go negative.
  Camera: [40, 900, 880, 840, 800, 700, 650, 600, 500, 450, 380, 300, 200, 150, 90],
  Drone: [10, 100, 120, 90, 130, 110, 100, 140, 120, 100, 130, 150, 120, 140, 60],
  // Rising steeply: far past the actual revenue within the hour, so it would set the scale if it could.
  Phone: [5, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1300, 50],
};

let browser: Browser;
const served: Array<{ cli: ChildProcess; remove(): void }> = [];

async function dashboardOver(
  series: Record<string, readonly number[]>,
): Promise<{ page: Page; lakeDir: string }> {
  const data = makeTempDir('dashboard-projection');
  const lakeDir = `${data.path}/lake`;
  await writeLakeOf(lakeDir, salesSeriesRecords(series, START));
  const cli = spawnTsx(CLI, ['dashboard', '--data-dir', data.path]);
  served.push({ cli, remove: () => data.remove() });
  const output = collectOutput(cli);
  expect(
    await waitFor(() => /Dashboard: (\S+)/.test(output.text().stdout), 30_000),
    output.text().stderr,
  ).toBe(true);
  const page = await browser.newPage({ viewport: { width: 1400, height: 1700 } });
  await page.goto(/Dashboard: (\S+)/.exec(output.text().stdout)?.[1] ?? '');
  await page.waitForSelector('#projection-status:not(:empty)');
  return { page, lakeDir };
}

/** The per-minute chart's datasets by label: their non-null values, and the revenue axis' maximum. */
async function perMinuteChart(page: Page) {
  return page.evaluate(() => {
    const chart = (
      globalThis as unknown as {
        Chart: {
          getChart(id: string): {
            data: { datasets: Array<{ label: string; data: Array<number | null> }> };
            scales: { revenue: { max: number } };
          };
        };
      }
    ).Chart.getChart('chart-per-minute');
    return {
      datasets: Object.fromEntries(
        chart.data.datasets.map((d) => [d.label, d.data.filter((v): v is number => v !== null)]),
      ),
      revenueMax: chart.scales.revenue.max,
    };
  });
}

const cents = (value: unknown) => Math.round(Number(value) * 100);

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  for (const { cli, remove } of served) {
    if (cli.exitCode === null) {
      const exited = new Promise((resolve) => cli.once('exit', resolve));
      cli.kill('SIGINT');
      await exited;
    }
    remove();
  }
});

describe('the projection on the page (Chromium, gadget-cdc dashboard)', () => {
  it('says it needs 5 complete minutes and draws nothing before', async () => {
    const { page } = await dashboardOver({ Drone: [10, 100, 120, 90, 130, 60] });
    expect(await page.textContent('#projection-status')).toBe(
      'Projection after 5 complete minutes (4 so far).',
    );
    expect((await perMinuteChart(page)).datasets['projected revenue']).toEqual([]);
    expect(await page.textContent('#projection')).toContain('nothing yet');
    await page.close();
  });

  it('then draws a line whose minutes add up to the table’s total and to `query sales_projection`, to the cent', async () => {
    const { page, lakeDir } = await dashboardOver(HISTORY);
    const chart = await perMinuteChart(page);
    const projected = chart.datasets['projected revenue'] ?? [];
    expect(projected).toHaveLength(60);

    const headers = await page.$$eval('#projection tr th', (cells) => cells.map((cell) => cell.textContent));
    const column = headers.indexOf('projected_next_60_min');
    const tableTotals = await page.$$eval(
      '#projection tr',
      (rows, index) => rows.slice(1).map((row) => row.children[index]?.textContent ?? ''),
      column,
    );
    const lake = await DuckDbLake.open(lakeDir);
    const query = await lake.rows(namedQuerySql('sales_projection')).finally(() => lake.close());

    const lineCents = projected.reduce((sum, value) => sum + cents(value), 0);
    const tableCents = tableTotals.reduce((sum, value) => sum + cents(value), 0);
    const queryCents = query.reduce((sum, row) => sum + cents(String(row.projected_next_60_min)), 0);
    expect(tableTotals).toHaveLength(3);
    expect(lineCents).toBe(queryCents);
    expect(tableCents).toBe(queryCents);

    // Never below zero; the band is around the line; the scale is the actual revenue's, not the projection's.
    expect(Math.min(...projected)).toBeGreaterThanOrEqual(0);
    const low = chart.datasets['95% band (low)'] ?? [];
    const high = chart.datasets['95% band'] ?? [];
    projected.forEach((value, i) => {
      expect(low[i]).toBeLessThanOrEqual(value);
      expect(high[i]).toBeGreaterThanOrEqual(value);
    });
    const actualMax = Math.max(...(chart.datasets.revenue ?? []));
    expect(Math.max(...projected)).toBeGreaterThan(actualMax * 1.25);
    expect(chart.revenueMax).toBe(Math.ceil(actualMax * 1.25));
    expect(await page.textContent('#projection-status')).toMatch(
      /^Backtest: the last 5 complete minutes projected \$[\d,.]+, actual \$[\d,.]+ \(error [+-]?\d+(\.\d)?%\)\.$/,
    );
    expect(await page.textContent('#projection-method')).toMatch(
      /^Method: ordinary least squares per gadget/,
    );
    await page.close();
  });
});
