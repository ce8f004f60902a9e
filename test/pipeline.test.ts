import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalItem, canonicalNumber } from '../src/aws/canonical-item.ts';
import { DuckDbLake } from '../src/catalog/duckdb-lake.ts';
import { type LosslessJson, parseLosslessJson } from '../src/catalog/lossless-json.ts';
import { namedQuerySql } from '../src/catalog/named-queries.ts';
import { generateOrders } from '../src/generator/generate-orders.ts';
import { backfill } from '../src/lake/backfill.ts';
import { LocalDiskStore } from '../src/lake/local-disk-store.ts';
import { ensurePipelineResources, type LocalStack, startLocalStack } from '../src/local/local-stack.ts';
import { checkCurrentOrders, holds } from '../src/observe/current-orders-check.ts';
import { PipeWorker } from '../src/pipe/pipe-worker.ts';
import { localDelivery } from '../src/twin/local-delivery.ts';
import { waitUntilQuiet } from '../src/twin/wait-until-quiet.ts';
import { scanOrders } from './helpers/scan-table.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

const dir = makeTempDir('pipeline');
let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ dataDir: dir.path });
});
afterAll(async () => {
  await stack?.stop();
  dir.remove();
});

/** An image_json (plain JSON, exact numbers) back in DynamoDB's canonical typed form, for orders' S and N. */
function typedItem(imageJson: string): unknown {
  const plain = parseLosslessJson(imageJson) as Record<string, LosslessJson>;
  const typed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(plain)) {
    typed[name] =
      typeof value === 'string' ? { S: value } : { N: canonicalNumber((value as { num: string }).num) };
  }
  return canonicalItem(typed as never);
}

/** Starts the pipe and the delivery over a table and stream; `drain()` lets both catch up and stops them. */
function startCapture(
  name: string,
  table: { streamArn: string },
  streamName: string,
  startingPosition: 'TRIM_HORIZON' | 'LATEST' = 'TRIM_HORIZON',
) {
  const pipe = new PipeWorker(stack.clients, {
    streamArn: table.streamArn,
    kinesisStreamName: streamName,
    checkpointDir: `${dir.path}/checkpoints/pipe-${name}`,
    startingPosition,
    shardRefreshMs: 500,
  });
  const lakeDir = `${dir.path}/lake-${name}`;
  const delivery = localDelivery(stack.clients, dir.path, streamName, {
    onTransformWarning: () => {},
    lakeDir,
    checkpointDir: `${dir.path}/checkpoints/delivery-${name}`,
    destinationBuffer: { sizeBytes: 5 * 1024 * 1024, intervalMs: 300 },
  });
  const running = [pipe.start(), delivery.start()];
  return {
    pipe,
    delivery,
    lakeDir,
    async drain() {
      expect(
        await waitUntilQuiet(
          () => `${pipe.metrics.recordsPut}`,
          () => pipe.metrics.millisBehind,
        ),
      ).toBe(true);
      await pipe.stop();
      expect(
        await waitUntilQuiet(
          () => `${delivery.metrics.recordsIn}`,
          () => delivery.metrics.millisBehind,
        ),
      ).toBe(true);
      await delivery.stop();
      await Promise.all(running);
    },
  };
}

/** Writes `count` planned changes to the table. */
async function generate(tableName: string, count: number, seed: string) {
  const run = await generateOrders(
    {
      tableName,
      count,
      seed,
      mix: { insert: 45, update: 40, delete: 15 },
      writeMode: 'batch',
      ratePerSecond: 'max',
    },
    { dynamodb: stack.clients.dynamodb },
  );
  expect(run.error).toBeUndefined();
}

describe('the local pipeline end to end', () => {
  it('after a drain, current_orders equals a full scan of the table, every number exact', async () => {
    const names = { tableName: 'Orders_e2e', streamName: 'stream-e2e', shardCount: 2 };
    const { table, stream } = await ensurePipelineResources(stack.clients, names);
    const capture = startCapture('e2e', table, stream.streamName);
    await generate(names.tableName, 1_500, 'e2e');
    await capture.drain();
    const { pipe, delivery } = capture;
    expect(pipe.metrics.recordsPut).toBe(1_500);
    expect(delivery.metrics).toMatchObject({ recordsIn: 1_500, ok: 1_500, processingFailed: 0 });

    const lake = await DuckDbLake.open(capture.lakeDir);
    try {
      const [events] = await lake.rows(
        'SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM orders_cdc',
      );
      expect(events).toEqual({ n: 1_500n, ids: 1_500n });
      const current = await lake.rows('SELECT orderid, image_json FROM current_orders');
      const fromLake = new Map(
        current.map((row) => [row.orderid as string, typedItem(row.image_json as string)]),
      );
      const fromTable = await scanOrders(stack.clients.dynamodb, names.tableName);
      expect(fromTable.size).toBeGreaterThan(100);
      expect(fromLake.size).toBe(fromTable.size);
      expect(fromLake).toEqual(fromTable);

      // The product's own check agrees, and notices changes that never reached the lake.
      expect(holds(await checkCurrentOrders(lake, stack.clients.dynamodb, names.tableName))).toBe(true);
      const [someId] = fromTable.keys();
      await stack.clients.dynamodb.send(
        new PutItemCommand({
          TableName: names.tableName,
          Item: { orderid: { S: 'ORD-NEVER-CAPTURED' }, quantity: { N: '1' } },
        }),
      );
      await stack.clients.dynamodb.send(
        new UpdateItemCommand({
          TableName: names.tableName,
          Key: { orderid: { S: someId as string } },
          UpdateExpression: 'SET quantity = :q',
          ExpressionAttributeValues: { ':q': { N: '999' } },
        }),
      );
      const check = await checkCurrentOrders(lake, stack.clients.dynamodb, names.tableName);
      expect(check).toMatchObject({ lost: ['ORD-NEVER-CAPTURED'], unexpected: [], different: [someId] });
      expect(holds(check)).toBe(false);
    } finally {
      lake.close();
    }
  });

  it('after a backfill, current_orders also holds the rows written before capture began', async () => {
    const names = { tableName: 'Orders_backfill', streamName: 'stream-backfill', shardCount: 1 };
    const { table, stream } = await ensurePipelineResources(stack.clients, names);
    await generate(names.tableName, 400, 'before-capture'); // capture starts at LATEST: these are never captured
    const capture = startCapture('backfill', table, stream.streamName, 'LATEST');
    await generate(names.tableName, 400, 'during-capture');
    await capture.drain();
    const { lakeDir } = capture;

    const check = async () => {
      const lake = await DuckDbLake.open(lakeDir);
      try {
        return await checkCurrentOrders(lake, stack.clients.dynamodb, names.tableName);
      } finally {
        lake.close();
      }
    };
    const before = await check();
    expect(before.lost.length).toBeGreaterThan(0); // rows from before capture are missing
    const analyticsBefore = await changeAnalytics(lakeDir);

    const checkpointFile = `${dir.path}/checkpoints/backfill.json`;
    const result = await backfill(stack.clients.dynamodb, names.tableName, new LocalDiskStore(lakeDir), {
      checkpointFile,
      pageSize: 100,
    });
    expect(result.items).toBe(before.tableItems);
    expect(result.objects).toBeGreaterThan(1); // paged, checkpointed between pages
    const after = await check();
    expect(after).toMatchObject({ lost: [], unexpected: [], different: [] });
    expect(holds(after)).toBe(true);
    // Snapshots are not sales: every change analytic is as before, and the event mix shows them apart.
    const analyticsAfter = await changeAnalytics(lakeDir);
    expect(analyticsAfter.cdc_event_mix).toEqual([
      ...analyticsBefore.cdc_event_mix,
      { cdc_event_type: 'SNAPSHOT', events: BigInt(result.items) },
    ]);
    expect({ ...analyticsAfter, cdc_event_mix: [] }).toEqual({ ...analyticsBefore, cdc_event_mix: [] });
    // Done once: a second run finds the checkpoint and does nothing.
    expect(
      await backfill(stack.clients.dynamodb, names.tableName, new LocalDiskStore(lakeDir), {
        checkpointFile,
      }),
    ).toEqual({
      items: result.items,
      objects: 0,
      resumed: true,
    });
  });
});

/** The change analytics: the named queries over change events, which a backfill must leave as they are. */
async function changeAnalytics(
  lakeDir: string,
): Promise<{ cdc_event_mix: unknown[]; [name: string]: unknown[] }> {
  const lake = await DuckDbLake.open(lakeDir);
  try {
    const rows = async (name: string) => lake.rows(namedQuerySql(name));
    return {
      cdc_event_mix: await rows('cdc_event_mix'),
      sales_per_minute: await rows('sales_per_minute'),
      order_changes: await rows('order_changes'),
      cancellations: await rows('cancellations'),
      sales_projection: await rows('sales_projection'),
    };
  } finally {
    lake.close();
  }
}
