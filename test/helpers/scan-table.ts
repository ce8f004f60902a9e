import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { canonicalItem } from '../../src/aws/canonical-item.ts';

/** Every item of the orders table by orderid, in canonical form (exact numbers, sorted sets). */
export async function scanOrders(dynamodb: DynamoDBClient, tableName: string): Promise<Map<string, unknown>> {
  const items = new Map<string, unknown>();
  let ExclusiveStartKey: Record<string, never> | undefined;
  do {
    const page = await dynamodb.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey }));
    for (const item of page.Items ?? []) items.set(item.orderid?.S ?? '', canonicalItem(item));
    ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
  } while (ExclusiveStartKey);
  return items;
}
