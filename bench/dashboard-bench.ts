import { parseArgs } from 'node:util';
import { DashboardServer } from '../src/dashboard/dashboard-server.ts';
import { LocalDiskStore } from '../src/lake/local-disk-store.ts';
import { ParquetEncoder } from '../src/lake/parquet-encoder.ts';
import { percentile } from '../src/observe/change-freshness.ts';
import { launchChromium } from '../test/helpers/browser.ts';
import { makeTempDir } from '../test/helpers/temp-dir.ts';
import { plannedFirehoseRecords, transformedRows } from './planned-records.ts';

/** What the page measures about itself while it runs (see PROBE). */
interface PageFigures {
  readonly loopLagMs: number[];
  readonly longTasksMs: number[];
  readonly snapshotsSeen: number;
  readonly renderMs: number[];
}

// Runs in the page: event-loop lag (a 50 ms timer's lateness: what a click would wait), long tasks
// (> 50 ms on the main thread), and the time each pushed snapshot takes to render.
const PROBE = `
  window.benchFigures = { loopLagMs: [], longTasksMs: [], snapshotsSeen: 0, renderMs: [] };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.benchFigures.longTasksMs.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
  let due = performance.now() + 50;
  setInterval(() => { const now = performance.now(); window.benchFigures.loopLagMs.push(Math.max(0, now - due)); due = now + 50; }, 50);
  new EventSource('/api/events').addEventListener('snapshot', () => {
    const start = performance.now();
    window.benchFigures.snapshotsSeen++;
    requestAnimationFrame(() => setTimeout(() => window.benchFigures.renderMs.push(performance.now() - start), 0));
  });
`;

/**
 * The dashboard at 1,000 changes/s: a lake growing by one Parquet object of 1,000 real change events (the
 * generator's changes through the transform) every second — what the delivery lands at that rate; the local
 * DynamoDB cannot take 1,000 writes/s itself — while Chromium shows the page. Prints the server's panel
 * compute time, how often the page got a snapshot, and the page's responsiveness: event-loop lag, long
 * tasks, and render time per snapshot.
 */
export async function dashboardBenchmark(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { seconds: { type: 'string', default: '60' }, rate: { type: 'string', default: '1000' } },
  });
  const seconds = Number(values.seconds);
  const rate = Number(values.rate);
  const dir = makeTempDir('bench-dashboard');
  const store = new LocalDiskStore(dir.path);
  const encoder = await ParquetEncoder.create();
  const planned = plannedFirehoseRecords(seconds * rate, 'bench-dashboard');
  const dashboard = await DashboardServer.start({ lakeDir: dir.path });
  const browser = await launchChromium();
  const computeMs: number[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1700 } });
    await page.addInitScript(PROBE);
    await page.goto(dashboard.url);
    const started = performance.now();
    for (let second = 0; second < seconds; second++) {
      const rows = await transformedRows(planned.slice(second * rate, (second + 1) * rate));
      await store.put(
        `orders_cdc/dt=2026-11-22/orders-cdc-1-bench-${String(second).padStart(5, '0')}.parquet`,
        await encoder.encode(rows),
      );
      const snapshot = JSON.parse(await (await fetch(`${dashboard.url}api/snapshot`)).text()) as {
        computeMs?: number;
      };
      if (snapshot.computeMs !== undefined) computeMs.push(snapshot.computeMs);
      const next = started + (second + 1) * 1_000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
    }
    const figures = (await page.evaluate('window.benchFigures')) as PageFigures;
    const late = [...figures.loopLagMs].sort((a, b) => a - b);
    const render = [...figures.renderMs].sort((a, b) => a - b);
    const compute = [...computeMs].sort((a, b) => a - b);
    const ms = (n: number | undefined) => `${Math.round(n ?? 0)} ms`;
    console.log(`dashboard benchmark: ${seconds * rate} change events landed at ${rate}/s over ${seconds} s`);
    console.log(
      `  server: panels computed in p50 ${ms(percentile(compute, 0.5))}, p99 ${ms(percentile(compute, 0.99))}, ` +
        `last ${ms(computeMs.at(-1))} (lake of ${seconds * rate} events)`,
    );
    console.log(
      `  page: ${figures.snapshotsSeen} snapshots pushed in ${seconds} s, each rendered in p50 ${ms(percentile(render, 0.5))}, p99 ${ms(percentile(render, 0.99))}`,
    );
    console.log(
      `  page: event-loop lag (what a click waits) p50 ${ms(percentile(late, 0.5))}, p99 ${ms(percentile(late, 0.99))}, ` +
        `max ${ms(late.at(-1))}; ${figures.longTasksMs.length} long tasks (> 50 ms), longest ${ms(Math.max(0, ...figures.longTasksMs))}`,
    );
  } finally {
    await browser.close();
    await dashboard.stop();
    await encoder.close();
    dir.remove();
  }
}
