import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AttributeValue,
  DeleteItemCommand,
  DescribeTableCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../src/aws/aws-clients.ts';
import { DuckDbLake } from '../src/catalog/duckdb-lake.ts';
import { parseLosslessJson } from '../src/catalog/lossless-json.ts';
import { pipelineHealth } from '../src/dashboard/pipeline-health.ts';
import { salesPanels } from '../src/dashboard/sales-panels.ts';
import type { StackRecord } from '../src/local/stack-lock.ts';
import { waitFor } from './helpers/processes.ts';
import { CLI, collectOutput, runCli, spawnTsx } from './helpers/spawn-tsx.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

const dataDir = makeTempDir('poison');
afterAll(() => dataDir.remove());

const order = (
  orderid: string,
  attributes: Record<string, AttributeValue>,
): Record<string, AttributeValue> => ({
  orderid: { S: orderid },
  product_name: { S: 'Camera' },
  quantity: { N: '1' },
  price: { N: '499.99' },
  status: { S: 'PLACED' },
  customer_id: { S: 'CUST-POISON' },
  created_at: { S: '2026-12-01T00:00:00.000Z' },
  updated_at: { S: '2026-12-01T00:00:00.000Z' },
  ...attributes,
});

/** Values DynamoDB accepts that a typed column of orders_cdc cannot hold: each must land, exact, never rounded. */
const POISON: ReadonlyArray<{ orderid: string; attributes: Record<string, AttributeValue>; nulled: string }> =
  [
    { orderid: 'POISON-DIGITS', attributes: { price: { N: '12345678901' } }, nulled: 'price' },
    { orderid: 'POISON-DECIMALS', attributes: { price: { N: '19.999' } }, nulled: 'price' },
    {
      orderid: 'POISON-40-DIGITS',
      attributes: { price: { N: '1234567890123456789012345678901234567800' } },
      nulled: 'price',
    },
    { orderid: 'POISON-INT', attributes: { quantity: { N: '2147483648' } }, nulled: 'quantity' },
    { orderid: 'POISON-FRACTION', attributes: { quantity: { N: '1.5' } }, nulled: 'quantity' },
    {
      orderid: 'POISON-TYPE',
      attributes: { quantity: { S: 'many' }, price: { BOOL: true } },
      nulled: 'quantity,price',
    },
    { orderid: 'POISON-MAP', attributes: { status: { M: { code: { S: 'PAID' } } } }, nulled: 'status' },
  ];

describe('values a column cannot hold, written while up runs', () => {
  it(
    'land as NULL plus unrepresentable with image_json exact; up drains, its check holds, exit 0',
    { timeout: 180_000 },
    async () => {
      const cli = spawnTsx(CLI, [
        'up',
        ...['--data-dir', dataDir.path, '--orders', '300', '--rate', '60'],
        ...['--exit-when-drained', '--no-dashboard'],
      ]);
      const output = collectOutput(cli);
      const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
      expect(
        await waitFor(() => output.text().stdout.includes('Generating order changes'), 90_000),
        output.text().stderr,
      ).toBe(true);
      const record = JSON.parse(readFileSync(join(dataDir.path, 'local-stack.json'), 'utf8')) as StackRecord;
      const clients = createAwsClients({ endpoint: record.dynamodbEndpoint });
      try {
        await clients.dynamodb.send(new DescribeTableCommand({ TableName: 'OrdersRawTable' }));
        for (const poison of POISON) {
          await clients.dynamodb.send(
            new PutItemCommand({
              TableName: 'OrdersRawTable',
              Item: order(poison.orderid, poison.attributes),
            }),
          );
        }
        // A MODIFY to another poison value, and a REMOVE of a poisoned order (its row comes from the old image).
        await clients.dynamodb.send(
          new PutItemCommand({
            TableName: 'OrdersRawTable',
            Item: order('POISON-DECIMALS', { price: { N: '0.001' } }),
          }),
        );
        await clients.dynamodb.send(
          new PutItemCommand({
            TableName: 'OrdersRawTable',
            Item: order('POISON-GONE', { price: { N: '1E+11' } }),
          }),
        );
        await clients.dynamodb.send(
          new DeleteItemCommand({ TableName: 'OrdersRawTable', Key: { orderid: { S: 'POISON-GONE' } } }),
        );
      } finally {
        clients.destroy();
      }

      expect(await exited, output.text().stderr).toBe(0);
      const { stdout } = output.text();
      expect(stdout).toMatch(
        /Check: current_orders vs a full scan of the table — nothing lost: (\d+) orders in the table, \1 in current_orders; lost 0, unexpected 0, different 0/,
      );
      // 7 inserts + the MODIFY + the INSERT and REMOVE of POISON-GONE.
      expect(stdout).toMatch(/; 10 changes with values a column cannot hold/);
      expect(stdout).toMatch(/Delivery stopped: \d+ rows .*, 0 to the error prefix in 0 objects/);

      const status = await runCli(['status', '--data-dir', dataDir.path]);
      expect(status.stdout).toMatch(/\n {2}10 change events have a value a column cannot hold/);

      const lake = await DuckDbLake.open(join(dataDir.path, 'lake'));
      try {
        const rows = await lake.rows(
          "SELECT orderid, cdc_event_type, quantity, price, status, unrepresentable, image_json FROM orders_cdc WHERE orderid LIKE 'POISON-%' ORDER BY orderid, sequence_number",
        );
        expect(rows).toHaveLength(10);
        for (const poison of POISON.filter((p) => p.orderid !== 'POISON-DECIMALS')) {
          const row = rows.find((r) => r.orderid === poison.orderid);
          expect(row?.unrepresentable).toBe(poison.nulled);
          for (const name of poison.nulled.split(',')) expect(row?.[name]).toBeNull();
          const image = parseLosslessJson(row?.image_json as string) as Record<string, unknown>;
          for (const [name, value] of Object.entries(poison.attributes)) {
            const exact =
              value.N !== undefined ? { num: value.N } : (value.S ?? value.BOOL ?? { code: 'PAID' });
            expect(image[name]).toEqual(exact);
          }
        }
        const decimals = rows
          .filter((r) => r.orderid === 'POISON-DECIMALS')
          .map((r) => r.image_json as string);
        expect(decimals.map((json) => /"price":([^,}]+)/.exec(json)?.[1])).toEqual(['19.999', '0.001']);
        const gone = rows.filter((r) => r.orderid === 'POISON-GONE');
        expect(gone.map((r) => [r.cdc_event_type, r.price, r.unrepresentable])).toEqual([
          ['INSERT', null, 'price'],
          ['REMOVE', null, 'price'],
        ]);
        // A price that fits is never touched: the generator's orders all have theirs.
        const [fits] = await lake.rows(
          "SELECT count(*) AS n FROM orders_cdc WHERE orderid NOT LIKE 'POISON-%' AND (price IS NULL OR unrepresentable IS NOT NULL)",
        );
        expect(fits?.n).toBe(0n);
        // The dashboard counts them too.
        const { totals } = await salesPanels(lake);
        expect(totals.unrepresentable).toBe(10);
        const health = await pipelineHealth(join(dataDir.path, 'lake'), undefined, totals);
        expect(health.stages.find((stage) => stage.stage === 'unrepresentable')?.count).toBe(10);
      } finally {
        lake.close();
      }
    },
  );
});
