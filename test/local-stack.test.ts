import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ListShardsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../src/local/free-port.ts';
import { ensurePipelineResources, startLocalStack } from '../src/local/local-stack.ts';
import {
  DataDirInUseError,
  JavaNotFoundError,
  LocalServerStartError,
} from '../src/local/local-stack-errors.ts';
import { waitUntilGone } from './helpers/processes.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

const dataDir = makeTempDir('local-stack');
afterAll(() => dataDir.remove());

describe('the local stack', () => {
  it('starts DynamoDB Local and kinesalite, creates the resources idempotently, and stops without leftovers', async () => {
    const stack = await startLocalStack({ dataDir: dataDir.path });
    try {
      expect(existsSync(join(dataDir.path, 'local-stack.json'))).toBe(true);
      const first = await ensurePipelineResources(stack.clients);
      expect(first.table).toMatchObject({ tableName: 'OrdersRawTable', created: true });
      expect(first.stream).toMatchObject({ streamName: 'kinesis-sales-order', shardCount: 2, created: true });

      const again = await ensurePipelineResources(stack.clients);
      expect(again.table.created).toBe(false);
      expect(again.stream.created).toBe(false);
      expect(again.table.streamArn).toBe(first.table.streamArn);

      const { Table } = await stack.clients.dynamodb.send(
        new DescribeTableCommand({ TableName: 'OrdersRawTable' }),
      );
      expect(Table?.KeySchema).toEqual([{ AttributeName: 'orderid', KeyType: 'HASH' }]);
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(Table?.StreamSpecification).toEqual({
        StreamEnabled: true,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      });
      const shards = await stack.clients.kinesis.send(
        new ListShardsCommand({ StreamName: 'kinesis-sales-order' }),
      );
      expect(shards.Shards).toHaveLength(2);

      await stack.clients.dynamodb.send(
        new PutItemCommand({
          TableName: 'OrdersRawTable',
          Item: { orderid: { S: 'kept' }, price: { N: '12.30' } },
        }),
      );
      await expect(startLocalStack({ dataDir: dataDir.path })).rejects.toThrow(DataDirInUseError);
    } finally {
      await stack.stop();
    }
    expect(
      await waitUntilGone(stack.serverPids, [stack.dynamodbEndpoint, stack.kinesisEndpoint], 5_000),
    ).toEqual({
      alivePids: [],
      busyPorts: [],
    });
    expect(existsSync(join(dataDir.path, 'local-stack.json'))).toBe(false);
  });

  it('keeps tables, items and streams across a restart, on the ports it is given', async () => {
    const [dynamodbPort, kinesisPort] = [await findFreePort(), await findFreePort()];
    const stack = await startLocalStack({ dataDir: dataDir.path, dynamodbPort, kinesisPort });
    try {
      expect(stack.dynamodbEndpoint).toBe(`http://127.0.0.1:${dynamodbPort}`);
      expect(stack.kinesisEndpoint).toBe(`http://127.0.0.1:${kinesisPort}`);
      const resources = await ensurePipelineResources(stack.clients);
      expect(resources.table.created).toBe(false);
      expect(resources.stream.created).toBe(false);
      const { Item } = await stack.clients.dynamodb.send(
        new GetItemCommand({ TableName: 'OrdersRawTable', Key: { orderid: { S: 'kept' } } }),
      );
      expect(Item?.price).toEqual({ N: '12.3' });
    } finally {
      await stack.stop();
    }
  });

  it('cleans up everything it started when one server cannot start', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const port = (blocker.address() as { port: number }).port;
    const failed = makeTempDir('local-stack-fail');
    try {
      const error = await startLocalStack({
        dataDir: failed.path,
        dynamodbPort: port,
        startTimeoutMs: 20_000,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LocalServerStartError);
      expect(String((error as Error).message)).toMatch(/DynamoDB Local did not start/);
      expect(existsSync(join(failed.path, 'local-stack.json'))).toBe(false);
      // The data dir is free again: a stack can start there right away.
      const stack = await startLocalStack({ dataDir: failed.path });
      await stack.stop();
    } finally {
      blocker.close();
      failed.remove();
    }
  });

  it('fails before starting anything when java is missing', async () => {
    const empty = makeTempDir('no-java');
    const path = process.env.PATH;
    process.env.PATH = empty.path;
    try {
      await expect(startLocalStack({ dataDir: join(empty.path, 'data') })).rejects.toThrow(JavaNotFoundError);
      expect(existsSync(join(empty.path, 'data'))).toBe(false);
    } finally {
      process.env.PATH = path;
      empty.remove();
    }
  });
});
