import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { wireItem } from '../../src/aws/wire-item.ts';
import { isMarker } from '../../src/catalog/heartbeat-marker.ts';
import { itemToJson } from '../../src/transform/attribute-json.ts';
import { ScriptedAthena, type ScriptedQuery } from './scripted-athena.ts';
import type { ScriptedDynamoDb } from './scripted-dynamodb.ts';

type Item = Record<string, AttributeValue>;

/** image_json as the transform writes it for a table item (what current_orders holds for an order in step). */
export function imageOf(item: Item): string {
  return itemToJson(wireItem(item), 'item');
}

/**
 * The lake as the proof's three kinds of Athena query see it, over a ScriptedAthena that answers by the SQL:
 * `current_orders` (orderid → image_json, which the test plants), the change-event counts, and the heartbeat's
 * poll for its markers, each marker in the lake `markerLagMs` after its PutItem (on the test's clock; never when
 * undefined). Any other statement — a CREATE VIEW above all — fails the test. `scannedBytes` is each query's
 * Statistics.DataScannedInBytes.
 */
export class ProofLake {
  readonly athena = new ScriptedAthena();
  readonly currentOrders = new Map<string, string>();
  markerLagMs: number | undefined = 60_000;
  /** The reads of current_orders never finish (Athena reports RUNNING until they are stopped). */
  currentOrdersHang = false;
  /** The SQL of every current_orders read, in order. */
  readonly currentOrdersReads: string[] = [];
  private readonly markersWritten = new Map<string, number>();

  constructor(
    table: ScriptedDynamoDb,
    private readonly now: () => number,
    private readonly scannedBytes = 1_000_000,
  ) {
    table.onPut = (item) => {
      const orderid = item.orderid?.S ?? '';
      if (isMarker(orderid)) this.markersWritten.set(orderid, this.now());
    };
    this.athena.answerWith((sql) => this.answer(sql));
  }

  /** The lake holds every order of the table as it stands now. */
  inStepWith(table: ScriptedDynamoDb): this {
    for (const [orderid, item] of table.items)
      if (!isMarker(orderid)) this.currentOrders.set(orderid, imageOf(item));
    return this;
  }

  private answer(sql: string): ScriptedQuery {
    const dataScannedInBytes = this.scannedBytes;
    if (/^SELECT orderid, image_json FROM \(/.test(sql)) {
      this.currentOrdersReads.push(sql);
      return {
        ...(this.currentOrdersHang && { states: ['RUNNING'] as const }),
        columns: [
          ['orderid', 'varchar'],
          ['image_json', 'varchar'],
        ],
        pages: [[...this.currentOrders].map(([orderid, image]) => [orderid, image])],
        dataScannedInBytes,
      };
    }
    if (/count\(DISTINCT event_id\)/.test(sql))
      return {
        columns: [
          ['duplicates', 'bigint'],
          ['unrepresentable', 'bigint'],
        ],
        pages: [[['0', '0']]],
        dataScannedInBytes,
      };
    const poll =
      /^SELECT DISTINCT orderid FROM orders_cdc WHERE dt >= '[\d-]+' AND orderid LIKE '([^']+)%'$/.exec(sql);
    if (poll) {
      const lag = this.markerLagMs;
      const seen = [...this.markersWritten].filter(
        ([orderid, writtenAt]) =>
          orderid.startsWith(poll[1] as string) && lag !== undefined && this.now() - writtenAt >= lag,
      );
      return {
        columns: [['orderid', 'varchar']],
        pages: [seen.map(([orderid]) => [orderid])],
        dataScannedInBytes,
      };
    }
    throw new Error(`the proof's lake answers no such statement: ${sql}`);
  }
}
