import { CloudWatchServiceException, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { athenaOverDuckDb } from '../../test/helpers/athena-over-duckdb.ts';
import { DEPLOYED_STACK } from '../../test/helpers/deployed-stack.ts';
import { writeLakeOf } from '../../test/helpers/lake-of-events.ts';
import { salesSeriesRecords } from '../../test/helpers/sales-series.ts';
import type { ScriptedAthena } from '../../test/helpers/scripted-athena.ts';
import { ScriptedCloudWatch } from '../../test/helpers/scripted-cloudwatch.ts';
import { ScriptedS3Listing } from '../../test/helpers/scripted-s3-listing.ts';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { DuckDbLake } from '../catalog/duckdb-lake.ts';
import { AwsStackSource, type DeployedStack, type AwsStackSource as Source } from './aws-stack-source.ts';
import type { AwsHealthPanel } from './cloudwatch-health.ts';
import { salesPanels } from './sales-panels.ts';

const MB = 2 ** 20;
const STACK = DEPLOYED_STACK;
const dir = makeTempDir('aws-stack-source');
let lake: DuckDbLake;

beforeAll(async () => {
  await writeLakeOf(
    dir.path,
    salesSeriesRecords({ Drone: [10, 100, 120, 90, 130, 110, 100, 60] }, Date.parse('2026-12-01T08:00:00Z')),
  );
  lake = await DuckDbLake.open(dir.path);
});
afterAll(() => {
  lake.close();
  dir.remove();
});

/** A stack answering from scripts: Athena from DuckDB over the lake (each query 4 MB), a bucket, CloudWatch. */
function stackOver(stack: DeployedStack = STACK) {
  let nowMs = Date.parse('2026-12-01T10:00:00Z');
  const athena = athenaOverDuckDb(lake, { scannedBytes: () => 4 * MB });
  const s3 = new ScriptedS3Listing().put(
    'orders_cdc/dt=2026-12-01/orders-cdc-1-2026-12-01-09-59-00-a.parquet',
  );
  const alarms: MetricAlarm[] = [
    { AlarmName: 'GadgetSalesCdc-LakeStale', StateValue: 'OK', StateReason: 'fine' },
  ];
  const cloudWatch = new ScriptedCloudWatch({
    metrics: { 'DeliveryToS3.DataFreshness': [[nowMs, 61]] },
    alarms,
  });
  const source = new AwsStackSource({
    athena: athena.client,
    cloudWatch: cloudWatch.client,
    s3: s3.client,
    stack,
    refreshMs: 60_000,
    pricePerTbUsd: 5,
    now: () => nowMs,
    sleep: async (ms) => {
      nowMs += ms;
    },
    retry: { sleep: async () => {} },
  });
  return {
    source,
    athena,
    s3,
    cloudWatch,
    /** One refresh, a minute after the one before. */
    refresh: async () => {
      nowMs += 60_000;
      return source.panels();
    },
  };
}

const dml = (athena: ScriptedAthena) => athena.started.filter((sql) => !sql.startsWith('CREATE'));

describe('AwsStackSource', () => {
  it('shows the same panels as the lake gives locally, from three Athena statements, and what they cost', async () => {
    const { refresh, athena } = stackOver();
    const panels = await refresh();

    expect(panels.sales).toEqual(await salesPanels(lake));
    expect(athena.started[0]).toMatch(/^CREATE OR REPLACE VIEW current_orders AS/);
    expect(dml(athena)).toHaveLength(3);
    // Three queries of 4 MB, each billed 10 MB; the view is DDL, billed nothing.
    const billed = 30 * MB;
    const perRefresh = (billed / 2 ** 40) * 5;
    expect(panels.aws).toMatchObject({
      stack: 'GadgetSalesCdc',
      region: 'eu-west-1',
      workGroup: 'gadget-sales-cdc',
      refreshMs: 60_000,
      refresh: { reused: false, athena: { queries: 4, scannedBytes: 12 * MB, billedBytes: billed } },
      perRefreshUsd: perRefresh,
      perHourUsd: perRefresh * 60,
      session: { queries: 4, billedBytes: billed },
      lake: { partitions: ['2026-12-01', '2026-11-30'], objects: 1 },
      cloudWatch: { metrics: 18, everyMs: 300_000 },
    });
  });

  it('runs no Athena query while the lake has no new object, and runs them again once it has', async () => {
    const { refresh, athena, s3 } = stackOver();
    const first = await refresh();
    const started = athena.started.length;

    const again = await refresh();
    expect(athena.started).toHaveLength(started);
    expect(again.sales).toBe(first.sales);
    expect(again.aws).toMatchObject({
      refresh: { reused: true, athena: { queries: 0, billedBytes: 0, costUsd: 0 } },
      perRefreshUsd: first.aws?.perRefreshUsd,
      session: first.aws?.session,
    });

    s3.put('orders_cdc/dt=2026-12-01/orders-cdc-1-2026-12-01-10-01-00-b.parquet');
    const changed = await refresh();
    // The view exists by now: only the three panel statements.
    expect(athena.started).toHaveLength(started + 3);
    expect(changed.aws).toMatchObject({
      refresh: { reused: false, athena: { queries: 3 } },
      lake: { objects: 2 },
    });
  });

  it('with a current-state table, computes once more after the lake stops changing (its commit may trail)', async () => {
    const { refresh, athena, s3 } = stackOver({ ...STACK, currentStateTable: 'current_orders_state' });
    const computed = async () => {
      const before = dml(athena).length;
      const panels = await refresh();
      return dml(athena).length > before && !panels.aws?.refresh.reused;
    };
    expect(await computed()).toBe(true);
    expect(await computed()).toBe(true); // the lake as the refresh before saw it: settled now
    expect(await computed()).toBe(false);
    s3.put('orders_cdc/dt=2026-12-01/orders-cdc-1-2026-12-01-10-03-00-c.parquet');
    expect([await computed(), await computed(), await computed()]).toEqual([true, true, false]);
    expect(athena.started.find((sql) => sql.startsWith('CREATE'))).toMatch(/FROM current_orders_state\n/);
  });

  it('reads the metrics at most every five minutes and the alarms at every refresh', async () => {
    const { refresh, cloudWatch } = stackOver();
    const health = (await refresh()).health as AwsHealthPanel;
    expect(health).toMatchObject({
      source: 'aws',
      windowMinutes: 60,
      periodSeconds: 300,
      dataFreshnessMs: 61_000,
      alarms: [{ name: 'GadgetSalesCdc-LakeStale', state: 'OK', reason: 'fine' }],
      errors: [],
    });
    for (let i = 0; i < 4; i++) await refresh();
    expect([cloudWatch.count('GetMetricData'), cloudWatch.count('DescribeAlarms')]).toEqual([1, 5]);
    await refresh(); // five minutes after the first
    expect([cloudWatch.count('GetMetricData'), cloudWatch.count('DescribeAlarms')]).toEqual([2, 6]);
  });

  it('keeps the sales panels when CloudWatch refuses, and says why', async () => {
    const { refresh, cloudWatch } = stackOver();
    const denied = () =>
      new CloudWatchServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        message: 'User is not authorized to perform: cloudwatch:DescribeAlarms',
        $metadata: { httpStatusCode: 403 },
      });
    cloudWatch.failNext('GetMetricData', denied()).failNext('DescribeAlarms', denied());
    const panels = await refresh();
    expect(panels.sales.totals.orders).toBe(8);
    expect((panels.health as AwsHealthPanel).errors).toEqual([
      expect.stringMatching(/^CloudWatch GetMetricData failed: AccessDenied: /),
      expect.stringMatching(/^CloudWatch DescribeAlarms failed: AccessDenied: /),
    ]);
  });

  it('fails a refresh Athena refuses (the page keeps its last panels and says why), and tries again next time', async () => {
    const { refresh, athena } = stackOver();
    athena.failNext(
      'StartQueryExecution',
      Object.assign(new Error('User is not authorized to perform: athena:StartQueryExecution'), {
        name: 'AccessDeniedException',
      }),
    );
    await expect(refresh()).rejects.toThrow(
      /^Athena StartQueryExecution failed after 1 attempt\(s\): AccessDeniedException: User is not authorized/,
    );
    expect((await refresh()).aws?.refresh.reused).toBe(false);
  });

  it('counts order histories and console statements in the session, and stops its queries when closed', async () => {
    const { refresh, athena, source } = stackOver();
    await refresh();
    const history = await source.orderHistory('Drone-3');
    expect(history.changes).toHaveLength(1);
    const result = await source.console('SELECT count(*) AS orders FROM current_orders');
    expect(result).toMatchObject({
      columns: ['orders'],
      rows: [[8]],
      athena: { queries: 2, billedBytes: 10 * MB },
    });
    const status = (await refresh()).aws;
    // The panels' three statements, the history's two, the console's one, and each one's view (DDL, free).
    expect(status?.session.queries).toBe(9);
    expect(status?.session.billedBytes).toBe(60 * MB);

    await (source as Source).close();
    await expect(source.orderHistory('Drone-3')).rejects.toThrow(/aborted/);
    expect(athena.started.at(-1)).toBe('SELECT count(*) AS orders FROM current_orders');
  });
});
