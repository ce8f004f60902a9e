import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { imageOf, ProofLake } from '../../test/helpers/proof-lake.ts';
import { ScriptedDynamoDb } from '../../test/helpers/scripted-dynamodb.ts';
import { VirtualClock } from '../../test/helpers/virtual-clock.ts';
import { isMarker } from '../catalog/heartbeat-marker.ts';
import {
  PROOF_ENV,
  PROOF_METRIC_DIMENSION,
  PROOF_METRIC_NAMESPACE,
  PROOF_METRICS,
  ProofConfigError,
} from './proof-config.ts';
import { proofHandler, RESERVE_MS } from './proof-handler.ts';
import { emfLine } from './proof-metrics.ts';

type Item = Record<string, AttributeValue>;
const order = (id: string, status = 'PLACED', price = '10.5'): Item => ({
  orderid: { S: id },
  status: { S: status },
  price: { N: price },
});

/** The environment the stack sets (infra/lib/proof-function.ts), the timings at their defaults. */
const ENV = {
  [PROOF_ENV.tableName]: 'orders',
  [PROOF_ENV.workGroup]: 'gadget-sales-cdc',
  [PROOF_ENV.database]: 'gadget_sales_cdc',
};
/** Lambda's context for a function with 15 minutes left. */
const FIFTEEN_MINUTES = { getRemainingTimeInMillis: () => 900_000 };

/**
 * One proof run over a scripted table and lake on virtual time: what it logged, emitted, returned (or threw) and
 * how long it took.
 */
async function prove(
  table: ScriptedDynamoDb,
  lake: ProofLake,
  clock: VirtualClock,
  options: { env?: Record<string, string>; remainingMs?: number } = {},
) {
  const lines: string[] = [];
  const emitted: string[] = [];
  const handler = proofHandler(() => ({ dynamodb: table.client, athena: lake.athena.client }), {
    env: { ...ENV, ...options.env },
    log: (line) => lines.push(line),
    emit: (line) => emitted.push(line),
    now: clock.now,
    sleep: clock.sleep,
  });
  const startedAt = clock.now();
  const context = {
    getRemainingTimeInMillis: () => (options.remainingMs ?? 900_000) - (clock.now() - startedAt),
  };
  const outcome = await clock.run(handler({}, context)).then(
    (run) => ({ run, error: undefined }),
    (error: unknown) => ({ run: undefined, error }),
  );
  return { ...outcome, lines, emitted, tookMs: clock.now() - startedAt };
}

/** The one EMF document the run emitted, parsed, with its metric values by name. */
function emfOf(emitted: readonly string[]) {
  expect(emitted).toHaveLength(1);
  const document = JSON.parse(emitted[0] as string) as Record<string, unknown> & {
    _aws: {
      Timestamp: number;
      CloudWatchMetrics: {
        Namespace: string;
        Dimensions: string[][];
        Metrics: { Name: string; Unit: string }[];
      }[];
    };
  };
  const [directive, ...others] = document._aws.CloudWatchMetrics;
  expect(others).toEqual([]);
  const values = Object.fromEntries(directive?.Metrics.map(({ Name }) => [Name, document[Name]]) ?? []);
  return { document, directive, values };
}

function setUp(...items: Item[]) {
  const clock = new VirtualClock();
  const table = new ScriptedDynamoDb('orders', { unitsPerPage: 1 }).put(...items);
  const lake = new ProofLake(table, clock.now).inStepWith(table);
  return { clock, table, lake };
}

describe('the proof handler', () => {
  it('publishes a clean verdict and the marker’s freshness as one EMF line', async () => {
    const { clock, table, lake } = setUp(order('A', 'PLACED', '48.20'), order('B'), order('C'));
    lake.markerLagMs = 60_000;
    const { run, lines, emitted } = await prove(table, lake, clock);

    const { document, directive, values } = emfOf(emitted);
    expect(directive?.Namespace).toBe(PROOF_METRIC_NAMESPACE);
    expect(directive?.Dimensions).toEqual([[PROOF_METRIC_DIMENSION]]);
    expect(document[PROOF_METRIC_DIMENSION]).toBe('orders');
    expect(document._aws.Timestamp).toBe(clock.now());
    expect(directive?.Metrics).toEqual([
      { Name: 'LostOrders', Unit: 'Count' },
      { Name: 'UnexpectedOrders', Unit: 'Count' },
      { Name: 'DifferentOrders', Unit: 'Count' },
      { Name: 'ChangedDuringCheck', Unit: 'Count' },
      { Name: 'CheckReadUnits', Unit: 'Count' },
      { Name: 'FreshnessSeconds', Unit: 'Seconds' },
      { Name: 'MarkersNotSeen', Unit: 'Count' },
      { Name: 'AthenaBytesScanned', Unit: 'Bytes' },
    ]);
    // Two scan pages of at most two items (3 orders, the marker left out or not yet written), one unit each.
    expect(values).toEqual({
      LostOrders: 0,
      UnexpectedOrders: 0,
      DifferentOrders: 0,
      ChangedDuringCheck: 0,
      CheckReadUnits: run?.check?.readUnits,
      // Polled every 15 s: the first poll at or after the marker's 60 s in the lake saw it.
      FreshnessSeconds: 60,
      MarkersNotSeen: 0,
      // current_orders, the event counts and four heartbeat polls, 1 MB each.
      AthenaBytesScanned: 6_000_000,
    });
    expect(run?.check?.readUnits).toBeGreaterThan(0);
    expect(document).toMatchObject({ message: 'proof', holds: true });
    expect(lines[0]).toMatch(
      /^Check: current_orders vs a full scan of the table — nothing lost: 3 orders in the table/,
    );
    expect(lines[1]).toMatch(
      /^Heartbeat: 1 of 1 markers visible in the lake; .* max 60\.0 s .*; 4 lake queries; markers removed$/,
    );
    expect(lines[2]).toBe('Athena: 6 queries scanned 5.7 MB (billed as 60.0 MB: at least 10 MB a query)');
    // The marker is gone from the table again.
    expect([...table.items.keys()].filter(isMarker)).toEqual([]);
  });

  it('shows a planted lost, unexpected and different order in the metrics, after the settle time', async () => {
    const { clock, table, lake } = setUp(order('A'), order('LOST'), order('DIFF', 'PAID'));
    lake.currentOrders.delete('LOST');
    lake.currentOrders.set('DIFF', imageOf(order('DIFF', 'PLACED')));
    lake.currentOrders.set('GHOST', imageOf(order('GHOST')));
    const { run, lines, emitted } = await prove(table, lake, clock);

    const { document, values } = emfOf(emitted);
    expect(values).toMatchObject({
      LostOrders: 1,
      UnexpectedOrders: 1,
      DifferentOrders: 1,
      ChangedDuringCheck: 0,
    });
    expect(document.holds).toBe(false);
    expect(run?.check).toMatchObject({ lost: ['LOST'], unexpected: ['GHOST'], different: ['DIFF'] });
    // Looked at again once the lake had the settle time (300 s) for every change the scan saw.
    expect(lake.currentOrdersReads).toHaveLength(2);
    expect(clock.sleeps).toContain(300_000);
    expect(lines.slice(0, 4)).toEqual([
      expect.stringMatching(/MISMATCH: .*lost 1 \(LOST\), unexpected 1 \(GHOST\), different 1 \(DIFF\)/),
      expect.stringMatching(/^ {2}lost LOST: table \{.*\} · current_orders \(no order\)$/),
      expect.stringMatching(/^ {2}unexpected GHOST: table \(no item\)/),
      expect.stringMatching(/^ {2}different DIFF: table \{.*"PAID".*\} · current_orders \{.*"PLACED".*\}$/),
    ]);
  });

  it('sets apart an order that changed in the table while the check waited', async () => {
    const { clock, table, lake } = setUp(order('A'), order('MOVING'));
    lake.currentOrders.set('MOVING', imageOf(order('MOVING', 'PLACED', '99')));
    table.beforeNext('BatchGetItem', () => table.put(order('MOVING', 'PAID')));
    const { emitted } = await prove(table, lake, clock);
    expect(emfOf(emitted).values).toMatchObject({ DifferentOrders: 0, ChangedDuringCheck: 1 });
  });

  it('reads current_orders through Athena without naming it, so no view is created', async () => {
    const { clock, table, lake } = setUp(order('A'));
    await prove(table, lake, clock);
    expect(lake.athena.started.filter((sql) => /\bcurrent_orders\b|^\s*CREATE\b/i.test(sql))).toEqual([]);
    expect(lake.currentOrdersReads[0]).toContain('FROM orders_cdc\n');
    // Every query in the stack's workgroup and database.
    for (const input of lake.athena.inputs('StartQueryExecution'))
      expect(input).toMatchObject({
        WorkGroup: 'gadget-sales-cdc',
        QueryExecutionContext: { Database: 'gadget_sales_cdc' },
      });
  });

  it('reads the current-state table when the stack keeps one', async () => {
    const { clock, table, lake } = setUp(order('A'));
    await prove(table, lake, clock, { env: { [PROOF_ENV.currentStateTable]: 'current_orders_state' } });
    expect(lake.currentOrdersReads[0]).toContain('FROM current_orders_state\n');
    expect(lake.athena.started.filter((sql) => /\bcurrent_orders\b/i.test(sql))).toEqual([]);
  });

  it('publishes the timeout and MarkersNotSeen for a marker never seen, ending before the function does', async () => {
    const { clock, table, lake } = setUp(order('A'));
    lake.markerLagMs = undefined;
    const remainingMs = 180_000;
    const { run, lines, emitted, tookMs } = await prove(table, lake, clock, { remainingMs });
    // 180 s left, 30 s kept back, two 15 s polls after the timeout: the marker is watched for 120 s.
    expect(run?.heartbeatTimeoutMs).toBe(120_000);
    expect(emfOf(emitted).values).toMatchObject({ FreshnessSeconds: 120, MarkersNotSeen: 1, LostOrders: 0 });
    expect(tookMs).toBeLessThanOrEqual(remainingMs - RESERVE_MS);
    expect(lines[1]).toMatch(/1 NOT SEEN within the timeout$/);
    expect([...table.items.keys()].filter(isMarker)).toEqual([]);
  });

  it('uses the configured heartbeat timeout when the function has time for it', async () => {
    const { clock, table, lake } = setUp(order('A'));
    lake.markerLagMs = undefined;
    const { run, emitted, tookMs } = await prove(table, lake, clock, {
      env: { [PROOF_ENV.heartbeatTimeoutSeconds]: '90', [PROOF_ENV.heartbeatPollSeconds]: '30' },
    });
    expect(run?.heartbeatTimeoutMs).toBe(90_000);
    expect(emfOf(emitted).values).toMatchObject({ FreshnessSeconds: 90, MarkersNotSeen: 1 });
    // Polls at 30, 60, 90 s: the third finds the marker 90 s old and gives it up; the check was done long before.
    expect(tookMs).toBe(90_000);
    expect(clock.sleeps.filter((ms) => ms === 30_000)).toHaveLength(3);
  });

  it('stops what still runs at its deadline, and publishes what it measured before the function ends', async () => {
    const { clock, table, lake } = setUp(order('A'));
    lake.currentOrdersHang = true;
    const remainingMs = 200_000;
    const { error, lines, emitted, tookMs } = await prove(table, lake, clock, { remainingMs });
    expect(String(error)).toMatch(/was aborted/);
    // The hanging query was stopped once the deadline (200 s less 30 s kept back) passed, within a poll of it.
    expect(lake.athena.inputs('StopQueryExecution')).toHaveLength(1);
    expect(tookMs).toBeGreaterThanOrEqual(remainingMs - RESERVE_MS);
    expect(tookMs).toBeLessThan(remainingMs - RESERVE_MS + 2_000);
    expect(lines).toContain(
      "The run reached its deadline, 30 s before the function's end, and stopped what was still running.",
    );
    // The heartbeat had finished (its timeout fits the time left): its metrics are out, the check's are not.
    const { values } = emfOf(emitted);
    expect(values).toEqual({ FreshnessSeconds: 60, MarkersNotSeen: 0, AthenaBytesScanned: 5_000_000 });
    expect([...table.items.keys()].filter(isMarker)).toEqual([]);
  });

  it('still publishes the heartbeat when the check fails, then fails the invocation', async () => {
    const { clock, table, lake } = setUp(order('A'));
    const refused = Object.assign(new Error('User is not authorized to perform: dynamodb:Scan'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
    table.failNext('Scan', refused);
    const { error, lines, emitted } = await prove(table, lake, clock);
    expect(String(error)).toMatch(/DynamoDB Scan on table orders failed.*AccessDeniedException/);
    const { values } = emfOf(emitted);
    expect(Object.keys(values)).toEqual(['FreshnessSeconds', 'MarkersNotSeen', 'AthenaBytesScanned']);
    expect(values.FreshnessSeconds).toBe(60);
    expect(lines[0]).toMatch(/^Proof check FAILED: DynamoDB Scan on table orders failed/);
  });

  it('fails loudly, publishing nothing, when its environment is not what the stack sets', async () => {
    const emitted: string[] = [];
    const handler = proofHandler(
      () => {
        throw new Error('no clients may be made');
      },
      {
        env: { [PROOF_ENV.tableName]: 'orders', [PROOF_ENV.settleSeconds]: 'soon' },
        emit: (l) => emitted.push(l),
      },
    );
    const failure = handler({}, FIFTEEN_MINUTES);
    await expect(failure).rejects.toThrow(ProofConfigError);
    await expect(failure).rejects.toThrow(
      /PROOF_WORKGROUP=\(unset\): .*\n\s+PROOF_DATABASE=\(unset\): .*\n\s+PROOF_SETTLE_SECONDS="soon": /,
    );
    expect(emitted).toEqual([]);
  });

  it('refuses to start when the function has too little time left for the heartbeat', async () => {
    const { clock, table, lake } = setUp(order('A'));
    const { error, emitted } = await prove(table, lake, clock, { remainingMs: 60_000 });
    expect(error).toBeInstanceOf(ProofConfigError);
    expect(String(error)).toMatch(/The function has 60 s left: too little for the heartbeat/);
    expect(table.calls).toEqual([]);
    expect(emitted).toEqual([]);
  });
});

describe('emfLine', () => {
  it('is one JSON document whose directive names exactly the metrics at its root', () => {
    const line = emfLine(
      'orders',
      { [PROOF_METRICS.lostOrders]: 2, [PROOF_METRICS.freshnessSeconds]: 75.5 },
      1_000,
    );
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      _aws: {
        Timestamp: 1_000,
        CloudWatchMetrics: [
          {
            Namespace: 'GadgetSalesCdc/Proof',
            Dimensions: [['TableName']],
            Metrics: [
              { Name: 'LostOrders', Unit: 'Count' },
              { Name: 'FreshnessSeconds', Unit: 'Seconds' },
            ],
          },
        ],
      },
      TableName: 'orders',
      LostOrders: 2,
      FreshnessSeconds: 75.5,
      message: 'proof',
    });
  });
});
