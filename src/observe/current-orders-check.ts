import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { canonicalNumber } from '../aws/canonical-item.ts';
import { wireItem } from '../aws/wire-item.ts';
import type { DuckDbLake } from '../catalog/duckdb-lake.ts';
import { type LosslessJson, parseLosslessJson } from '../catalog/lossless-json.ts';
import { itemToJson } from '../transform/attribute-json.ts';

/** The central invariant's verdict (docs/reliability.md): lost / unexpected / different, and duplicates seen. */
export interface CurrentOrdersCheck {
  readonly tableItems: number;
  readonly currentOrders: number;
  /** Orders in the table that current_orders lacks. */
  readonly lost: readonly string[];
  /** Orders in current_orders that the table lacks. */
  readonly unexpected: readonly string[];
  /** Orders in both whose items differ. */
  readonly different: readonly string[];
  /** Change events delivered more than once (harmless: the views dedupe). */
  readonly duplicateDeliveries: number;
  /**
   * Change events with a value some column cannot hold (NULL there, named in `unrepresentable`). Neither lost
   * nor different: the comparison above is on image_json, which keeps every value exactly.
   */
  readonly unrepresentableChanges: number;
}

export function holds(check: CurrentOrdersCheck): boolean {
  return check.lost.length + check.unexpected.length + check.different.length === 0;
}

/**
 * Compares `current_orders` with a full scan of the table, item by item, as plain JSON with every number in
 * canonical exact form (DynamoDB normalises "48.20" to "48.2"). Both sides go through the transform's own
 * conversion, so a difference is a real one.
 */
export async function checkCurrentOrders(
  lake: DuckDbLake,
  dynamodb: DynamoDBClient,
  tableName: string,
): Promise<CurrentOrdersCheck> {
  const table = new Map<string, string>();
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamodb.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey, ConsistentRead: true }),
    );
    for (const item of page.Items ?? [])
      table.set(item.orderid?.S ?? '', canonical(itemToJson(wireItem(item), 'item')));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);

  const lakeOrders = new Map<string, string>();
  for (const row of await lake.rows('SELECT orderid, image_json FROM current_orders')) {
    lakeOrders.set(row.orderid as string, canonical(row.image_json as string));
  }
  const [events] = await lake.rows(
    'SELECT count(*) - count(DISTINCT event_id) AS duplicates, ' +
      'count(DISTINCT CASE WHEN unrepresentable IS NOT NULL THEN event_id END) AS unrepresentable FROM orders_cdc',
  );
  return {
    tableItems: table.size,
    currentOrders: lakeOrders.size,
    lost: [...table.keys()].filter((id) => !lakeOrders.has(id)),
    unexpected: [...lakeOrders.keys()].filter((id) => !table.has(id)),
    different: [...table]
      .filter(([id, item]) => lakeOrders.has(id) && lakeOrders.get(id) !== item)
      .map(([id]) => id),
    duplicateDeliveries: Number(events?.duplicates ?? 0),
    unrepresentableChanges: Number(events?.unrepresentable ?? 0),
  };
}

/**
 * Plain JSON text with sorted keys and canonical numbers: equal text ⇔ equal item. Arrays keep their order,
 * so a set attribute (SS/NS/BS) read back in another order would count as different; orders have none.
 */
function canonical(json: string): string {
  const normalise = (value: LosslessJson): unknown => {
    if (Array.isArray(value)) return value.map(normalise);
    if (value !== null && typeof value === 'object') {
      if ('num' in value && typeof value.num === 'string') return { num: canonicalNumber(value.num) };
      const object = value as Record<string, LosslessJson>;
      return Object.fromEntries(
        Object.keys(object)
          .sort()
          .map((key) => [key, normalise(object[key] as LosslessJson)]),
      );
    }
    return value;
  };
  return JSON.stringify(normalise(parseLosslessJson(json)));
}

export function formatCheck(check: CurrentOrdersCheck): string {
  const verdict = holds(check) ? 'nothing lost' : 'MISMATCH';
  const sample = (ids: readonly string[]) =>
    ids.length > 0 ? ` (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''})` : '';
  return (
    `Check: current_orders vs a full scan of the table — ${verdict}: ${check.tableItems} orders in the table, ` +
    `${check.currentOrders} in current_orders; lost ${check.lost.length}${sample(check.lost)}, unexpected ` +
    `${check.unexpected.length}${sample(check.unexpected)}, different ${check.different.length}${sample(check.different)}; ` +
    `${check.duplicateDeliveries} duplicate deliveries (harmless)` +
    (check.unrepresentableChanges > 0
      ? `; ${check.unrepresentableChanges} changes with values a column cannot hold ` +
        '(NULL there and named in `unrepresentable`, exact in image_json)'
      : '')
  );
}
