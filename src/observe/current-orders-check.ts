import { sleep as defaultSleep } from '../aws/backoff.ts';
import { canonicalNumber } from '../aws/canonical-item.ts';
import { type DynamoDbReadApi, type Item, TableReader, type TableReadOptions } from '../aws/table-scan.ts';
import { wireItem } from '../aws/wire-item.ts';
import { isMarker } from '../catalog/heartbeat-marker.ts';
import { type LosslessJson, parseLosslessJson } from '../catalog/lossless-json.ts';
import type { QueryEngine } from '../catalog/query-engine.ts';
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
  /**
   * Orders that differed at first and were changed in the table while the check ran: not counted, as the lake
   * may not have had time for their newest change (see `settleMs`).
   */
  readonly changedDuringCheck: readonly string[];
  /** How long after the scan a difference was looked at again before it counted. */
  readonly settleMs: number;
  /** Read capacity units the scan consumed (what an on-demand table bills as read request units). */
  readonly readUnits: number;
  /** The first few counted orders of each kind, with the item as the table and the lake hold it (keys sorted). */
  readonly examples: readonly MismatchExample[];
  /** Change events delivered more than once (harmless: the views dedupe). */
  readonly duplicateDeliveries: number;
  /**
   * Change events with a value some column cannot hold (NULL there, named in `unrepresentable`). Neither lost
   * nor different: the comparison above is on image_json, which keeps every value exactly.
   */
  readonly unrepresentableChanges: number;
}

export interface MismatchExample {
  readonly kind: 'lost' | 'unexpected' | 'different';
  readonly orderid: string;
  /** Absent when the table has no such item. */
  readonly table?: string;
  /** Absent when current_orders has no such order. */
  readonly lake?: string;
}

/** Examples shown per kind of mismatch. */
const EXAMPLES = 3;

export interface CheckOptions extends TableReadOptions {
  /**
   * The lake's freshness bound: an order that differs is looked at again once this long has passed since the
   * scan ended, and counts only if it still differs and its item did not change meanwhile. A change the scan
   * saw is then older than `settleMs` when the lake is read again, so a lake that is at most that stale has
   * it. 0 (a pipeline that is quiet and drained, as at the end of `up`): looked at again at once. @default 0
   */
  readonly settleMs?: number;
  /**
   * What `current_orders` is read from: the relation's name (DuckDbLake's maintained view; a view Athena has), or
   * a parenthesised statement with an alias, e.g. `(<currentOrdersDefinition(table)>) AS current_orders`, where
   * creating a view is not allowed or not wanted. @default 'current_orders'
   */
  readonly currentOrders?: string;
  /** Told what the check does next (scanning, waiting for the lake, reading again). */
  readonly onStep?: (text: string) => void;
}

export function holds(check: CurrentOrdersCheck): boolean {
  return check.lost.length + check.unexpected.length + check.different.length === 0;
}

/**
 * Compares `current_orders` with a full scan of the table, item by item, as plain JSON with every number in
 * canonical exact form (DynamoDB normalises "48.20" to "48.2"). Both sides go through the transform's own
 * conversion, so a difference is a real one. Heartbeat markers are no orders: left out on both sides.
 *
 * The same comparison runs locally (DuckDB, DynamoDB Local) and on AWS (Athena, DynamoDB): a scan, one read of
 * `current_orders`, then — only if some order differs — a second look at those orders after `settleMs`: the
 * lake read again first, then their items (consistent reads). An order whose item changed since the scan is
 * set apart (`changedDuringCheck`); one whose item did not change and still differs from the lake counts.
 */
export async function checkCurrentOrders(
  engine: QueryEngine,
  dynamodb: DynamoDbReadApi,
  tableName: string,
  options: CheckOptions = {},
): Promise<CurrentOrdersCheck> {
  const { settleMs = 0, onStep } = options;
  const now = options.now ?? Date.now;
  const reader = new TableReader(dynamodb, tableName, options);
  onStep?.(`Scanning table ${tableName}…`);
  const table = new Map<string, string>();
  const { readUnits } = await reader.scan((item) => {
    const orderid = orderidOf(item);
    if (!isMarker(orderid)) table.set(orderid, tableImage(item));
  });
  const scannedAt = now();
  onStep?.('Reading current_orders…');
  const source = options.currentOrders ?? 'current_orders';
  const lake = await currentOrders(engine, source);
  const events = await eventCounts(engine);
  let found = compareOrders(table, lake);
  let lakeSeen = lake;
  let changedDuringCheck: string[] = [];
  const suspects = [...found.lost, ...found.unexpected, ...found.different];
  if (suspects.length > 0) {
    const waitMs = scannedAt + settleMs - now();
    if (waitMs > 0) {
      onStep?.(
        `${suspects.length} orders differ; looking again in ${Math.ceil(waitMs / 1000)} s, when the lake has had ` +
          `${Math.round(settleMs / 1000)} s for every change the scan saw…`,
      );
      await (options.sleep ?? defaultSleep)(waitMs, options.signal);
    }
    const lakeAgain = await currentOrders(engine, source);
    const itemsAgain = new Map<string, string>();
    for (const item of await reader.get(suspects.map((orderid) => ({ orderid: { S: orderid } }))))
      itemsAgain.set(orderidOf(item), tableImage(item));
    changedDuringCheck = suspects.filter((orderid) => itemsAgain.get(orderid) !== table.get(orderid));
    const steady = new Set(suspects.filter((orderid) => itemsAgain.get(orderid) === table.get(orderid)));
    found = compareOrders(only(table, steady), only(lakeAgain, steady));
    lakeSeen = lakeAgain;
  }
  const examples = (['lost', 'unexpected', 'different'] as const).flatMap((kind) =>
    found[kind].slice(0, EXAMPLES).map((orderid) => ({
      kind,
      orderid,
      ...(table.has(orderid) && { table: readable(table.get(orderid)) }),
      ...(lakeSeen.has(orderid) && { lake: readable(lakeSeen.get(orderid)) }),
    })),
  );
  return {
    tableItems: table.size,
    currentOrders: lake.size,
    ...found,
    changedDuringCheck,
    settleMs,
    readUnits,
    examples,
    duplicateDeliveries: Number(events?.duplicates ?? 0),
    unrepresentableChanges: Number(events?.unrepresentable ?? 0),
  };
}

function orderidOf(item: Item): string {
  return item.orderid?.S ?? '';
}

async function currentOrders(engine: QueryEngine, source: string): Promise<Map<string, string>> {
  const orders = new Map<string, string>();
  for (const row of await engine.rows(`SELECT orderid, image_json FROM ${source}`))
    orders.set(row.orderid as string, canonical(row.image_json as string));
  return orders;
}

async function eventCounts(engine: QueryEngine): Promise<Record<string, unknown> | undefined> {
  const [counts] = await engine.rows(
    'SELECT count(*) - count(DISTINCT event_id) AS duplicates, ' +
      'count(DISTINCT CASE WHEN unrepresentable IS NOT NULL THEN event_id END) AS unrepresentable FROM orders_cdc',
  );
  return counts;
}

/** Lost, unexpected and different orders between the table's items and the lake's, both in canonical text. */
function compareOrders(
  table: ReadonlyMap<string, string>,
  lake: ReadonlyMap<string, string>,
): { lost: string[]; unexpected: string[]; different: string[] } {
  return {
    lost: [...table.keys()].filter((id) => !lake.has(id)),
    unexpected: [...lake.keys()].filter((id) => !table.has(id)),
    different: [...table].filter(([id, item]) => lake.has(id) && lake.get(id) !== item).map(([id]) => id),
  };
}

function only(orders: ReadonlyMap<string, string>, ids: ReadonlySet<string>): Map<string, string> {
  return new Map([...orders].filter(([id]) => ids.has(id)));
}

/** Canonical text as a person reads it: exact numbers as bare JSON numbers, keys sorted. */
function readable(canonicalText = ''): string {
  return canonicalText.replace(/\{"num":"([^"]*)"\}/g, '$1');
}

/** An item as the lake's image_json would hold it, in canonical text. */
function tableImage(item: Item): string {
  return canonical(itemToJson(wireItem(item), 'item'));
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
    (check.changedDuringCheck.length > 0
      ? `${check.changedDuringCheck.length} more changed in the table while the check ran and are not counted` +
        `${sample(check.changedDuringCheck)}; `
      : '') +
    `${check.duplicateDeliveries} duplicate deliveries (harmless)` +
    (check.unrepresentableChanges > 0
      ? `; ${check.unrepresentableChanges} changes with values a column cannot hold ` +
        '(NULL there and named in `unrepresentable`, exact in image_json)'
      : '')
  );
}

/** The examples, one line each: the order and how the table and the lake hold it. */
export function formatExamples(check: CurrentOrdersCheck): string[] {
  return check.examples.map(
    ({ kind, orderid, table, lake }) =>
      `  ${kind} ${orderid}: table ${table ?? '(no item)'} · current_orders ${lake ?? '(no order)'}`,
  );
}
