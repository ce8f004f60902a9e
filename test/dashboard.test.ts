import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbLake } from '../src/catalog/duckdb-lake.ts';
import { orderHistory } from '../src/catalog/order-history.ts';
import type { StackRecord } from '../src/local/stack-lock.ts';
import { launchChromium } from './helpers/browser.ts';
import { waitFor, waitUntilGone } from './helpers/processes.ts';
import { CLI, collectOutput, runCli, spawnTsx } from './helpers/spawn-tsx.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

const ORDERS = 400;
const dataDir = makeTempDir('dashboard');
const lakeDir = join(dataDir.path, 'lake');
let up: ChildProcess;
let output: ReturnType<typeof collectOutput>;
let url: string;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/** The number a KPI element carries (its data-value), or NaN before the first snapshot. */
const kpi = async (id: string) => Number(await page.getAttribute(`#${id}`, 'data-value'));

async function lakeValue(sql: string): Promise<number> {
  const lake = await DuckDbLake.open(lakeDir);
  try {
    return Number(Object.values((await lake.rows(sql))[0] ?? {})[0] ?? Number.NaN);
  } finally {
    lake.close();
  }
}

/** A raw request with a chosen Host header (a browser would not let us forge it). */
function get(path: string, host: string): Promise<{ status: number; headers: Record<string, unknown> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    request({ hostname, port, path, headers: { Host: host } }, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, headers: response.headers });
    })
      .on('error', reject)
      .end();
  });
}

beforeAll(async () => {
  // A small real run that stays up after its changes (the pipe and delivery keep serving the page). At 30/s
  // its changes take ~13 s: the first tests see the lake grow, the later ones see it settle.
  up = spawnTsx(CLI, ['up', '--data-dir', dataDir.path, '--orders', String(ORDERS), '--rate', '30']);
  output = collectOutput(up);
  expect(
    await waitFor(() => /Dashboard: (\S+)/.test(output.text().stdout), 60_000),
    output.text().stderr,
  ).toBe(true);
  url = /Dashboard: (\S+)/.exec(output.text().stdout)?.[1] ?? '';
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1700 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(url);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (up && up.exitCode === null) {
    const exited = new Promise((resolve) => up.once('exit', resolve));
    up.kill('SIGINT');
    await exited;
  }
  dataDir.remove();
});

describe('the live dashboard (Chromium, a real `up` run)', () => {
  it('loads, and its charts show data', async () => {
    expect(await waitFor(async () => (await kpi('kpi-events')) > 0, 30_000)).toBe(true);
    const points = await page.evaluate(() =>
      ['chart-per-minute', 'chart-by-product', 'chart-funnel', 'chart-flow'].map((id) => {
        const chart = (globalThis as unknown as { Chart: { getChart(id: string): unknown } }).Chart.getChart(
          id,
        ) as { data: { datasets: Array<{ data: unknown[] }> } } | undefined;
        // Any dataset: a run of seconds has only its minute in progress, drawn apart as partial.
        return (chart?.data.datasets ?? []).flatMap((d) => d.data).filter((v) => v !== null).length;
      }),
    );
    expect(
      points.every((n) => n > 0),
      JSON.stringify(points),
    ).toBe(true);
    // A run of seconds has no complete minute: the page says what the projection waits for, and draws none.
    expect(await page.textContent('#projection-status')).toMatch(
      /^Projection after 5 complete minutes \([01] so far\)\.$/,
    );
    expect(await page.textContent('#projection-method')).toMatch(/^Method: ordinary least squares/);
    expect(pageErrors).toEqual([]);
  });

  it('updates without a reload', async () => {
    await page.evaluate(() => Object.assign(globalThis, { loadedOnce: true }));
    const before = await kpi('kpi-events');
    expect(await waitFor(async () => (await kpi('kpi-events')) > before, 30_000)).toBe(true);
    expect(await page.evaluate(() => (globalThis as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
  });

  it('shows the same values as SQL run directly on the lake', async () => {
    // Once every change is in the lake the numbers stop moving; then the page and DuckDB must agree.
    const drained = await waitFor(async () => {
      const events = await lakeValue('SELECT count(DISTINCT event_id) FROM orders_cdc');
      return events === ORDERS && (await kpi('kpi-events')) === ORDERS;
    }, 60_000);
    expect(drained, output.text().stderr).toBe(true);
    expect(await kpi('kpi-orders')).toBe(await lakeValue('SELECT count(*) FROM current_orders'));
    expect(await kpi('kpi-revenue')).toBeCloseTo(
      await lakeValue(
        "SELECT CAST(sum(price * quantity) AS DOUBLE) FROM current_orders WHERE status <> 'CANCELLED'",
      ),
      2,
    );
    // The run's words in its status file (what `status` and a page over the data dir show): the terminal's
    // progress bar stays in the terminal.
    const { line } = JSON.parse(readFileSync(join(dataDir.path, 'up-status.json'), 'utf8')) as {
      line: string;
    };
    expect(line).toMatch(/^400\/400 · /);
    expect(line).not.toMatch(/\[[#-]+\]|%/);
    mkdirSync(join(process.cwd(), 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(process.cwd(), 'test-artifacts', 'dashboard.png'), fullPage: true });
  });

  it('runs a SELECT in the console', async () => {
    await page.fill('#console-sql', 'SELECT count(*) AS orders FROM current_orders');
    await page.click('#console-run');
    await page.waitForSelector('#console-result td');
    expect(Number(await page.textContent('#console-result td'))).toBe(
      await lakeValue('SELECT count(*) FROM current_orders'),
    );
  });

  it('shows no change of a backfill after capture: snapshots are not sales', async () => {
    const changeView = async () => ({
      charts: await page.evaluate(() =>
        ['chart-flow', 'chart-per-minute'].map((id) =>
          (
            globalThis as unknown as {
              Chart: {
                getChart(id: string): { data: { datasets: Array<{ label: string; data: unknown[] }> } };
              };
            }
          ).Chart.getChart(id).data.datasets.map((d) => [d.label, d.data]),
        ),
      ),
      events: await page.getAttribute('#kpi-events', 'data-value'),
      recentChanges: await page.textContent('#recent-changes'),
    });
    const before = await changeView();
    const backfill = await runCli(['backfill', '--data-dir', dataDir.path]);
    const backfilled = Date.now();
    expect(backfill.code, backfill.stderr).toBe(0);
    expect(backfill.stdout).toMatch(/[1-9]\d* items/);
    // Panels computed wholly after the backfill, then compared.
    const computedFrom = async () => Number(await page.getAttribute('#updated-at', 'data-computed-from'));
    expect(await waitFor(async () => (await computedFrom()) > backfilled, 30_000)).toBe(true);
    expect(
      await lakeValue("SELECT count(*) FROM orders_cdc WHERE cdc_event_type = 'SNAPSHOT'"),
    ).toBeGreaterThan(0);
    expect(await changeView()).toEqual(before);
  });

  it('shows an order’s whole history when it is clicked', async () => {
    await page.click('#recent-changes button.order-link');
    await page.waitForSelector('#order-history:not([hidden]) #history-changes td');
    const orderid = (await page.textContent('#history-orderid')) ?? '';
    const lake = await DuckDbLake.open(lakeDir);
    const expected = await orderHistory(lake, orderid).finally(() => lake.close());
    const kinds = await page.$$eval('#history-changes tr', (rows) =>
      rows.slice(1).map((row) => row.children[2]?.textContent),
    );
    expect(kinds).toEqual(expected.changes.map((change) => change.kind));
    expect(await page.textContent('#history-now')).toMatch(
      expected.current ? new RegExp(`^Now: ${String(expected.current.status)}, `) : /^Now: deleted/,
    );
  });

  it('runs the console on Ctrl+Enter, says how many rows there were in all, and exports them as CSV', async () => {
    await page.fill('#console-sql', 'SELECT range AS n FROM range(2500) ORDER BY n');
    await page.press('#console-sql', 'Control+Enter');
    await page.locator('#console-status', { hasText: 'rows of' }).waitFor();
    expect(await page.textContent('#console-status')).toMatch(/^the first 1,000 rows of 2,500 in \d+ ms$/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#console-csv')]);
    const csv = readFileSync((await download.path()) ?? '', 'utf8');
    expect(csv.split('\n').slice(0, 3)).toEqual(['n', '0', '1']);
    expect(csv.trimEnd().split('\n')).toHaveLength(1_001);
    // A statement that does not parse: where, by line and column.
    await page.fill('#console-sql', 'SELECT status,\n  count(*)\nFORM orders_cdc');
    await page.press('#console-sql', 'Control+Enter');
    await page.waitForSelector('#console-error:not([hidden])');
    expect(await page.textContent('#console-error')).toMatch(/\(line 3, column 6: "orders_cdc"\)/);
  });

  it('refuses anything but one read-only SELECT, and requests without the session token', async () => {
    const attempts = [
      `COPY (SELECT * FROM orders_cdc) TO '${lakeDir}/stolen.csv'`,
      "COPY (SELECT 1) TO '/tmp/gadget-cdc-stolen.csv'",
      "SELECT * FROM read_text('/etc/passwd')",
      "ATTACH '/tmp/gadget-cdc-attached.db'",
      'CREATE TABLE t AS SELECT 1',
      'SELECT 1; SELECT 2',
    ];
    const token = (await page.getAttribute('meta[name="session-token"]', 'content')) ?? '';
    const answers = await page.evaluate(
      async ({ statements, token }) => {
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
        return {
          refused: await Promise.all(statements.map((sql) => ask(sql, token))),
          noToken: await ask('SELECT 1', 'not-the-token'),
        };
      },
      { statements: attempts, token },
    );
    const [copyIntoLake, copyOut, readText, attach, create, two] = answers.refused;
    for (const answer of [copyIntoLake, attach, create]) {
      expect(answer).toEqual({
        status: 400,
        error: expect.stringMatching(/read-only SELECT statements only/),
      });
    }
    for (const answer of [copyOut, readText])
      expect(answer).toEqual({
        status: 400,
        error: expect.stringMatching(/Permission Error|read-only SELECT/),
      });
    expect(two).toEqual({ status: 400, error: expect.stringMatching(/one statement at a time/) });
    expect(answers.noToken.status).toBe(403);
    expect(existsSync(join(lakeDir, 'stolen.csv'))).toBe(false);
    expect(existsSync('/tmp/gadget-cdc-stolen.csv')).toBe(false);
    expect(existsSync('/tmp/gadget-cdc-attached.db')).toBe(false);
  });

  it('refuses a request naming a foreign Host, and never sends a CORS header', async () => {
    const { port } = new URL(url);
    expect((await get('/', `evil.example:${port}`)).status).toBe(403);
    expect((await get('/api/snapshot', `127.0.0.1.nip.io:${port}`)).status).toBe(403);
    const own = await get('/api/snapshot', `localhost:${port}`);
    expect(own.status).toBe(200);
    expect(own.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('stops with up on Ctrl-C, the page still open: drained, checked, every server gone', async () => {
    const record = JSON.parse(readFileSync(join(dataDir.path, 'local-stack.json'), 'utf8')) as StackRecord;
    const exited = new Promise<number | null>((resolve) => up.once('exit', resolve));
    expect(await page.textContent('#source')).toBe('live run');
    up.kill('SIGINT');
    expect(await exited, output.text().stderr).toBe(0);
    // The page says at once that its server is gone: within 5 s of the exit, "live run" no more.
    await page.locator('#source', { hasText: 'server not answering' }).waitFor({ timeout: 5_000 });
    const { port } = new URL(url);
    expect(
      await waitUntilGone(record.serverPids, [
        record.dynamodbEndpoint,
        record.kinesisEndpoint,
        `http://127.0.0.1:${port}`,
      ]),
    ).toEqual({ alivePids: [], busyPorts: [] });
    expect(output.text().stdout).toMatch(/Check: current_orders vs a full scan of the table — nothing lost/);
    expect(output.text().stdout).toContain('Local stack stopped.');
  });
});
