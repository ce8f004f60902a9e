import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTableCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { IncompatibleResourceError, TableNotFoundError } from './resource-errors.ts';

/** The orders table's key attribute: a string `orderid`, as in the original tutorial. */
export const ORDER_KEY = 'orderid';

export interface OrdersTable {
  readonly tableName: string;
  readonly streamArn: string;
  readonly created: boolean;
}

/**
 * Makes sure the orders table exists with key `orderid` (S), on-demand billing and a NEW_AND_OLD_IMAGES
 * stream. Idempotent: an existing table is kept (its stream enabled if it had none); one with another key or
 * another stream view is an error, because the pipeline could not capture it correctly.
 */
export async function ensureOrdersTable(client: DynamoDBClient, tableName: string): Promise<OrdersTable> {
  let created = false;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: ORDER_KEY, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: ORDER_KEY, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    created = true;
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 120 }, { TableName: tableName });
  let table = await describeTable(client, tableName);
  checkKey(table, tableName);
  const view = table.StreamSpecification?.StreamEnabled
    ? table.StreamSpecification.StreamViewType
    : undefined;
  if (view === undefined) {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    table = await describeTable(client, tableName);
  } else if (view !== 'NEW_AND_OLD_IMAGES') {
    throw new IncompatibleResourceError(
      `Table ${tableName} has a ${view} stream, but CDC needs NEW_AND_OLD_IMAGES (REMOVE events need the old image). ` +
        'Disable its stream and run again, or use another --table.',
    );
  }
  if (!table.LatestStreamArn)
    throw new IncompatibleResourceError(
      `Table ${tableName} reports no stream ARN after enabling its stream.`,
    );
  return { tableName, streamArn: table.LatestStreamArn, created };
}

/** Describes a table, turning "not found" into an error that names the table and how to create it. */
export async function describeTable(client: DynamoDBClient, tableName: string): Promise<TableDescription> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (!Table) throw new ResourceNotFoundException({ message: 'no table description', $metadata: {} });
    return Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      throw new TableNotFoundError(tableName);
    }
    throw error;
  }
}

function checkKey(table: TableDescription, tableName: string): void {
  const keys = table.KeySchema ?? [];
  const type = table.AttributeDefinitions?.find((a) => a.AttributeName === ORDER_KEY)?.AttributeType;
  if (keys.length !== 1 || keys[0]?.AttributeName !== ORDER_KEY || type !== 'S') {
    const found = keys.map((k) => `${k.AttributeName} (${k.KeyType})`).join(', ');
    throw new IncompatibleResourceError(
      `Table ${tableName} has key ${found}, but orders need a single string hash key ${ORDER_KEY}. Use another --table.`,
    );
  }
}
