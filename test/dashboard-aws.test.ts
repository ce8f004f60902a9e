import { mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbLake } from '../src/catalog/duckdb-lake.ts';
import { MARKER_ORDERID_PREFIX } from '../src/catalog/heartbeat-marker.ts';
import { partitionPrefix } from '../src/catalog/lake-layout.ts';
import { AwsStackSource } from '../src/dashboard/aws-stack-source.ts';
import { DashboardServer } from '../src/dashboard/dashboard-server.ts';
import type { DashboardSource } from '../src/dashboard/dashboard-source.ts';
import { salesPanels } from '../src/dashboard/sales-panels.ts';
import { athenaOverDuckDb } from './helpers/athena-over-duckdb.ts';
import { launchChromium } from './helpers/browser.ts';
import { DEPLOYED_STACK } from './helpers/deployed-stack.ts';
import { writeLakeOf } from './helpers/lake-of-events.ts';
import { salesSeriesRecords } from './helpers/sales-series.ts';
import type { ScriptedAthena } from './helpers/scripted-athena.ts';
import { ScriptedCloudWatch } from './helpers/scripted-cloudwatch.ts';
import { ScriptedS3Listing } from './helpers/scripted-s3-listing.ts';
import { ORDER_IMAGE, streamRecord } from './helpers/stream-records.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

/**
 * `gadget-cdc dashboard --target aws` as a person sees it, in Chromium, over scripted AWS clients: Athena answers
 * with what DuckDB computes over a lake folder (as Athena serialises results, seven rows a page), S3 lists a
 * bucket, CloudWatch answers metrics and alarms from a script. The clock the source reads is fixed, and the test
 * starts every refresh after the first itself.
 */
const NOW = Date.parse('2026-12-01T10:00:00Z');
const MB = 2 ** 20;
const dir = makeTempDir('dashboard-aws');
let lake: DuckDbLake;
let athena: ScriptedAthena;
let s3: ScriptedS3Listing;
let dashboard: DashboardServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  await writeLakeOf(dir.path, [
    ...salesSeriesRecords(
      {
        Drone: [10, 100, 120, 90, 130, 110, 100, 140, 120, 150, 110, 130, 60],
        Phone: [50, 0, 70, 80, 90, 20],
      },
      Date.parse('2026-12-01T09:00:00Z'),
    ),
    streamRecord({
      eventName: 'REMOVE',
      oldImage: { ...ORDER_IMAGE, orderid: { S: 'Phone-0' } },
      sequenceNumber: '5000',
    }),
    streamRecord({
      eventName: 'INSERT',
      newImage: { ...ORDER_IMAGE, orderid: { S: `${MARKER_ORDERID_PREFIX}run-1` } },
      sequenceNumber: '5001',
    }),
  ]);
  lake = await DuckDbLake.open(dir.path);
  athena = athenaOverDuckDb(lake, { pageSize: 7, scannedBytes: () => 4 * MB });
  s3 = new ScriptedS3Listing().put(
    `${partitionPrefix('2026-12-01')}orders-cdc-1-2026-12-01-09-59-00-a.parquet`,
  );
  const cloudWatch = new ScriptedCloudWatch({
    metricPages: 2,
    metrics: {
      IncomingRecords: [
        [NOW - 300_000, 40],
        [NOW - 600_000, 30],
      ],
      'DeliveryToS3.Records': [[NOW - 300_000, 70]],
      'DeliveryToS3.DataFreshness': [[NOW - 300_000, 61]],
    },
    alarms: [
      { AlarmName: 'GadgetSalesCdc-CaptureFailing', StateValue: 'OK', StateReason: 'Threshold not crossed' },
      {
        AlarmName: 'GadgetSalesCdc-LakeStale',
        StateValue: 'ALARM',
        StateReason: 'Threshold Crossed: 1 datapoint [1200.0] was greater than the threshold (900.0).',
        StateUpdatedTimestamp: new Date(NOW - 120_000),
      },
    ],
  });
  const source = new AwsStackSource({
    athena: athena.client,
    cloudWatch: cloudWatch.client,
    s3: s3.client,
    stack: DEPLOYED_STACK,
    refreshMs: 60_000,
    pricePerTbUsd: 5,
    now: () => NOW,
    sleep: async () => {},
  });
  // The page says "every 60 s"; the test starts each refresh after the first itself.
  const driven: DashboardSource = {
    panels: () => source.panels(),
    nextRefreshInMs: () => 3_600_000,
    console: (sql) => source.console(sql),
    orderHistory: (orderid) => source.orderHistory(orderid),
    close: () => source.close(),
  };
  dashboard = await DashboardServer.serve(driven);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(dashboard.url);
  await page.waitForSelector('#athena:not([hidden])');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
  lake?.close();
  dir.remove();
});

/** A raw request with a chosen Host header (a browser would not let us forge it). */
function get(path: string, host: string): Promise<number> {
  const { hostname, port } = new URL(dashboard.url);
  return new Promise((resolve, reject) => {
    request({ hostname, port, path, headers: { Host: host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

const text = async (selector: string) => (await page.textContent(selector)) ?? '';
const kpi = async (id: string) => Number(await page.getAttribute(`#${id}`, 'data-value'));

/** A refresh, and the page once it shows it. */
async function refreshed(): Promise<void> {
  const before = await page.getAttribute('#updated-at', 'data-computed-from');
  await dashboard.refresh();
  await expect.poll(() => page.getAttribute('#updated-at', 'data-computed-from')).not.toBe(before);
}

describe('the dashboard over a deployed stack (Chromium, scripted AWS clients)', () => {
  it('shows the same panels the lake gives locally, the source, and what the refresh cost', async () => {
    const local = await salesPanels(lake);
    expect(await kpi('kpi-events')).toBe(local.totals.events);
    expect(await kpi('kpi-orders')).toBe(local.totals.orders);
    expect(await kpi('kpi-revenue')).toBeCloseTo(local.totals.revenue, 2);
    expect(await text('#source')).toBe('AWS: stack GadgetSalesCdc (eu-west-1)');
    expect(await text('#athena-source')).toBe(
      'Athena, workgroup gadget-sales-cdc, database gadget_sales_cdc (eu-west-1), at $5 per TB scanned',
    );
    // The view, then three statements of 4 MB each, billed 10 MB each: 30 MB at $5 per TB.
    const perRefresh = (30 * MB * 5) / 2 ** 40;
    expect(await text('#athena-refresh')).toBe(
      'last refresh ran Athena: 4 queries scanned 12.0 MiB, billed 30.0 MiB, $0.000143',
    );
    expect(Number(await page.getAttribute('#athena-cost', 'data-per-refresh'))).toBeCloseTo(perRefresh, 12);
    expect(Number(await page.getAttribute('#athena-cost', 'data-per-hour'))).toBeCloseTo(perRefresh * 60, 12);
    expect(await text('#athena-cost')).toBe(
      'a refresh that runs Athena costs $0.000143; at one refresh every 60 s, at most $0.00858 per hour ' +
        '(only refreshes that find a new object run Athena)',
    );
    expect(await text('#kpi-freshness')).toBe('$0.000143 · $0.00858');
    expect(await text('#athena-cloudwatch')).toBe(
      'CloudWatch: 18 metrics every 5 minutes, $0.00216 per hour',
    );
    // The page's charts drew the per-minute revenue, the flow and the projection from Athena's rows.
    expect(await text('#projection-status')).toMatch(/^Backtest: /);
    expect(pageErrors).toEqual([]);
    mkdirSync(join(process.cwd(), 'test-artifacts'), { recursive: true });
    await page.screenshot({
      path: join(process.cwd(), 'test-artifacts', 'dashboard-aws.png'),
      fullPage: true,
    });
  });

  it('reuses the results while the lake has no new object, and asks Athena again once it has', async () => {
    const started = athena.started.length;
    await refreshed();
    expect(athena.started).toHaveLength(started);
    expect(await page.getAttribute('#athena-refresh', 'data-reused')).toBe('true');
    expect(await text('#athena-refresh')).toBe(
      'last refresh reused the results before it: no new object in the lake (1 objects in 2026-12-01 and 2026-11-30)',
    );

    s3.put(`${partitionPrefix('2026-12-01')}orders-cdc-1-2026-12-01-10-00-00-b.parquet`);
    await refreshed();
    expect(athena.started).toHaveLength(started + 3);
    expect(await page.getAttribute('#athena-refresh', 'data-reused')).toBe('false');
    expect(await text('#athena-session')).toBe(
      'this session: 7 queries scanned 24.0 MiB, billed 60.0 MiB, $0.000286',
    );
  });

  it('shows each stage’s CloudWatch metrics and the stack’s alarms, the one firing first', async () => {
    expect(await text('#run-status')).toMatch(
      /^CloudWatch, the last 60 minutes in 5-minute periods, read .+: counts are sums over the hour/,
    );
    const metrics = await page.$$eval('#health tr', (rows) =>
      rows.slice(1).map((row) => [0, 1, 2, 3].map((i) => row.children[i]?.textContent)),
    );
    expect(metrics).toContainEqual([
      'stream',
      'records put on the stream',
      '70',
      'AWS/Kinesis IncomingRecords (Sum)',
    ]);
    expect(metrics).toContainEqual([
      'delivery',
      'rows delivered to the lake',
      '70',
      'AWS/Firehose DeliveryToS3.Records (Sum)',
    ]);
    expect(metrics).toContainEqual([
      'transform',
      'invocations that failed',
      'no data',
      'AWS/Lambda Errors (Sum)',
    ]);
    expect(await text('#kpi-data-freshness')).toBe('61.00 s');
    const alarms = await page.$$eval('#alarms tr', (rows) =>
      rows.slice(1).map((row) => [row.className, row.children[0]?.textContent, row.children[1]?.textContent]),
    );
    expect(alarms).toEqual([
      ['error', 'GadgetSalesCdc-LakeStale', 'ALARM'],
      ['', 'GadgetSalesCdc-CaptureFailing', 'OK'],
    ]);
    expect(await text('#lag')).toBe('1 of 2 alarms in ALARM');
    expect(await page.isHidden('#failures')).toBe(true);
  });

  it('runs a SELECT in the console on Athena and says what it scanned and cost', async () => {
    await page.fill('#console-sql', 'SELECT count(*) AS orders FROM current_orders');
    await page.press('#console-sql', 'Control+Enter');
    await page.waitForSelector('#console-result td');
    expect(Number(await text('#console-result td'))).toBe((await salesPanels(lake)).totals.orders);
    expect(await text('#console-status')).toMatch(
      /^1 rows in \d+ ms · scanned 4\.0 MiB, billed 10\.0 MiB, \$0\.0000477$/,
    );
  });

  it('shows an order’s whole history from Athena when it is clicked', async () => {
    await page.click('#recent-changes button.order-link');
    await page.waitForSelector('#order-history:not([hidden]) #history-changes td');
    expect(await text('#history-now')).toMatch(/^Now: /);
  });

  it('refuses anything but one read-only SELECT before Athena runs it, and requests without the token', async () => {
    const started = athena.started.length;
    const token = (await page.getAttribute('meta[name="session-token"]', 'content')) ?? '';
    const answers = await page.evaluate(
      async ({ token }) => {
        const ask = async (sql: string, sessionToken: string) => {
          const response = await fetch('/api/query', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'X-Session-Token': sessionToken },
            body: JSON.stringify({ sql }),
          });
          return {
            status: response.status,
            error: ((await response.json()) as { error?: string }).error ?? '',
          };
        };
        return [
          await ask('DROP TABLE orders_cdc', token),
          await ask("UNLOAD (SELECT * FROM orders_cdc) TO 's3://elsewhere/' WITH (format = 'JSON')", token),
          await ask('SELECT 1; DROP TABLE orders_cdc', token),
          await ask('CREATE TABLE stolen AS SELECT * FROM orders_cdc', token),
          await ask('SELECT 1', 'not-the-token'),
        ];
      },
      { token },
    );
    expect(answers.slice(0, 4)).toEqual([
      { status: 400, error: 'The console runs read-only SELECT statements only; this is a DROP statement.' },
      {
        status: 400,
        error: 'The console runs read-only SELECT statements only; this is a UNLOAD statement.',
      },
      {
        status: 400,
        error: 'The console runs one statement at a time; this text holds 2. Run them one by one.',
      },
      {
        status: 400,
        error: 'The console runs read-only SELECT statements only; this is a CREATE statement.',
      },
    ]);
    expect(answers[4]?.status).toBe(403);
    // An order's history costs queries too: none without the token.
    const history = await fetch(`${dashboard.url}api/history?orderid=ORD-1`);
    expect(history.status).toBe(403);
    expect(await history.text()).toBe('Reload the dashboard: the session token does not match.');
    expect(athena.started).toHaveLength(started);
  });

  it('refuses a foreign Host and a foreign Origin', async () => {
    const { port } = new URL(dashboard.url);
    expect(await get('/', `evil.example:${port}`)).toBe(403);
    expect(await get('/api/snapshot', `localhost:${port}`)).toBe(200);
    const token = (await page.getAttribute('meta[name="session-token"]', 'content')) ?? '';
    const response = await fetch(`${dashboard.url}api/query`, {
      method: 'POST',
      headers: { 'X-Session-Token': token, Origin: 'http://evil.example' },
      body: JSON.stringify({ sql: 'SELECT 1' }),
    });
    expect(response.status).toBe(403);
    expect(pageErrors).toEqual([]);
  });
});
