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
  view: { width?: number; timezoneId?: string } = {},
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
  const page = await browser.newPage({
    viewport: { width: view.width ?? 1400, height: 1700 },
    ...(view.timezoneId && { timezoneId: view.timezoneId }),
  });
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
            data: { datasets: Array<{ label: string; data: Array<{ x: number; y: number | null }> }> };
            scales: { revenue: { max: number } };
          };
        };
      }
    ).Chart.getChart('chart-per-minute');
    return {
      datasets: Object.fromEntries(
        chart.data.datasets.map((d) => [
          d.label,
          d.data.map((point) => point.y).filter((y): y is number => y !== null),
        ]),
      ),
      revenueMax: chart.scales.revenue.max,
    };
  });
}

/** Cents of a number, or of money as the page shows it ("$1,234.50"). */
const cents = (value: unknown) => Math.round(Number(String(value).replace(/[$,]/g, '')) * 100);

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
    const column = headers.indexOf('Projected next 60 min ($)');
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
    const actualMax = Math.max(
      ...(chart.datasets.revenue ?? []),
      ...(chart.datasets['this minute so far (partial)'] ?? []),
    );
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

describe('times, gaps and tables a person reads right (Chromium)', () => {
  it('shows one time zone, the browser’s, named, with UTC on hover', async () => {
    const { page } = await dashboardOver(HISTORY, { timezoneId: 'America/Los_Angeles' });
    expect(await page.textContent('#zone')).toBe('times in America/Los_Angeles, UTC on hover');
    const axis = await page.evaluate(
      () =>
        (
          globalThis as unknown as {
            Chart: { getChart(id: string): { options: { scales: { x: { title: { text: string } } } } } };
          }
        ).Chart.getChart('chart-per-minute').options.scales.x.title.text,
    );
    expect(axis).toBe('time (America/Los_Angeles)');
    // A change at 08:27:01 UTC is 00:27:01 in Los Angeles (PST, UTC−8), and says its UTC time on hover.
    const when = page.locator('#recent-changes td[title$=" UTC"]').first();
    expect(await when.getAttribute('title')).toBe('2026-11-22 08:27:01 UTC');
    expect(await when.textContent()).toMatch(/\b12:27:01\sAM\b/);
    await page.close();
  });

  it('keeps a gap a gap: minutes with no sales at all are no line', async () => {
    // Minutes 5 to 7 sold nothing (the pipeline was down): no point is drawn across them.
    const withGap = { Drone: [10, 100, 120, 90, 130, 0, 0, 0, 110, 100, 140, 60] };
    const { page } = await dashboardOver(withGap);
    const revenue = await page.evaluate(() => {
      const chart = (
        globalThis as unknown as {
          Chart: { getChart(id: string): { data: { datasets: Array<{ label: string; data: unknown[] }> } } };
        }
      ).Chart.getChart('chart-per-minute');
      return chart.data.datasets.find((d) => d.label === 'revenue')?.data as Array<{
        x: number;
        y: number | null;
      }>;
    });
    const gap = revenue.findIndex((point) => point.y === null);
    expect(gap).toBeGreaterThan(0);
    expect(revenue[gap]?.x).toBe((revenue[gap - 1]?.x ?? 0) + 60_000);
    expect((revenue[gap + 1]?.x ?? 0) - (revenue[gap - 1]?.x ?? 0)).toBe(4 * 60_000);
    await page.close();
  });

  it.each([1400, 800])('clips no table cell and overlaps no panel at %i px', async (width) => {
    const { page } = await dashboardOver(HISTORY, { width });
    const layout = await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<unknown> } })
        .document;
      type Box = { x: number; y: number; width: number; height: number };
      type Element = {
        id: string;
        textContent: string;
        scrollWidth: number;
        clientWidth: number;
        getBoundingClientRect(): Box;
      };
      const cells = Array.from(doc.querySelectorAll('th, td') as ArrayLike<Element>);
      const clipped = cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent);
      const panels = Array.from(
        doc.querySelectorAll('article:not([hidden]), .kpi') as ArrayLike<Element>,
      ).map((a) => ({ id: a.id || a.textContent.slice(0, 30), box: a.getBoundingClientRect() }));
      const overlapping: string[] = [];
      for (const [i, a] of panels.entries())
        for (const b of panels.slice(i + 1)) {
          const apart =
            a.box.x + a.box.width <= b.box.x + 0.5 ||
            b.box.x + b.box.width <= a.box.x + 0.5 ||
            a.box.y + a.box.height <= b.box.y + 0.5 ||
            b.box.y + b.box.height <= a.box.y + 0.5;
          if (!apart) overlapping.push(`${a.id} / ${b.id}`);
        }
      return { cells: cells.length, clipped, overlapping };
    });
    expect(layout.cells).toBeGreaterThan(20);
    expect(layout.clipped).toEqual([]);
    expect(layout.overlapping).toEqual([]);
    // Headers people read, numbers right-aligned with their unit.
    const headers = await page.$$eval('#projection th', (cells) => cells.map((cell) => cell.textContent));
    expect(headers.slice(0, 2)).toEqual(['Gadget', 'Minutes used']);
    expect(await page.getAttribute('#projection td:nth-child(5)', 'class')).toContain('number');
    expect(await page.textContent('#projection td:nth-child(5)')).toMatch(/^\$[\d,]+\.\d\d$/);
    await page.close();
  });
});
