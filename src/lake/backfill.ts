import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { wireItem } from '../aws/wire-item.ts';
import { partitionDate, partitionPrefix } from '../catalog/lake-layout.ts';
import { writeFileDurably } from '../checkpoint/durable-file.ts';
import { snapshotEventRow } from '../transform/change-event-row.ts';
import { objectKey } from './object-name.ts';
import type { ObjectStore } from './object-store.ts';
import { ParquetEncoder } from './parquet-encoder.ts';

export interface BackfillResult {
  readonly items: number;
  readonly objects: number;
  /** True when an earlier, interrupted backfill was resumed. */
  readonly resumed: boolean;
}

/**
 * Snapshots the rows already in the table into the lake, so turning CDC on for an existing table leaves no
 * gap (DynamoDB Streams keep 24 hours and never hold older rows). Each item becomes a SNAPSHOT row with sequence
 * number "0": it sorts below every real stream record (21+ digits), so any captured change of the same order
 * wins in `current_orders`, and the change analytics leave it out (an order that stood is not a sale). The Scan is resumable: its position is checkpointed after each object is written.
 */
export async function backfill(
  dynamodb: DynamoDBClient,
  tableName: string,
  lake: ObjectStore,
  options: {
    checkpointFile: string;
    pageSize?: number;
    now?: () => number;
    onProgress?: (items: number) => void;
  },
): Promise<BackfillResult> {
  const saved = existsSync(options.checkpointFile)
    ? (JSON.parse(await readFile(options.checkpointFile, 'utf8')) as {
        lastKey?: Record<string, AttributeValue>;
        done?: boolean;
        items?: number;
      })
    : undefined;
  if (saved?.done) return { items: saved.items ?? 0, objects: 0, resumed: true };
  await mkdir(dirname(options.checkpointFile), { recursive: true });
  let ExclusiveStartKey = saved?.lastKey;
  let items = saved?.items ?? 0;
  let objects = 0;
  const encoder = await ParquetEncoder.create();
  try {
    do {
      const page = await dynamodb.send(
        new ScanCommand({
          TableName: tableName,
          ExclusiveStartKey,
          ConsistentRead: true,
          Limit: options.pageSize ?? 5_000,
        }),
      );
      const scannedAt = options.now?.() ?? Date.now();
      const lines = (page.Items ?? []).map((item) => snapshotRow(item, scannedAt));
      if (lines.length > 0) {
        const key = objectKey({
          prefix: partitionPrefix(partitionDate(scannedAt)),
          deliveryStream: 'backfill',
          version: 1,
          oldestArrivalMs: scannedAt,
          extension: '.parquet',
        });
        await lake.put(key, await encoder.encode(Buffer.from(lines.join(''), 'utf8')));
        objects++;
        items += lines.length;
        options.onProgress?.(items);
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
      await writeFileDurably(
        options.checkpointFile,
        JSON.stringify({ lastKey: ExclusiveStartKey, done: ExclusiveStartKey === undefined, items }),
      );
    } while (ExclusiveStartKey);
  } finally {
    await encoder.close();
  }
  return { items, objects, resumed: saved !== undefined };
}

/** The orders_cdc row of one scanned item: a SNAPSHOT row (see snapshotEventRow). */
function snapshotRow(item: Record<string, AttributeValue>, scannedAt: number): string {
  const orderid = item.orderid?.S ?? '';
  return snapshotEventRow(wireItem(item), `backfill-${orderid}-${scannedAt}`, scannedAt).line;
}
