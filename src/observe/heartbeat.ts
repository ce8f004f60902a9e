import { randomBytes } from 'node:crypto';
import {
  DeleteItemCommand,
  type DeleteItemCommandOutput,
  PutItemCommand,
  type PutItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { sleep as defaultSleep } from '../aws/backoff.ts';
import { MARKER_ORDERID_PREFIX } from '../catalog/heartbeat-marker.ts';
import { partitionDate, TABLE_NAME } from '../catalog/lake-layout.ts';
import type { QueryEngine } from '../catalog/query-engine.ts';
import { sqlString } from '../catalog/sql-literal.ts';
import { percentile } from './change-freshness.ts';

/** The two DynamoDB calls the heartbeat makes; a `DynamoDBClient` fits, and so does a scripted one in tests. */
export interface DynamoDbMarkerApi {
  send(command: PutItemCommand): Promise<PutItemCommandOutput>;
  send(command: DeleteItemCommand): Promise<DeleteItemCommandOutput>;
}

export interface HeartbeatOptions {
  /** Markers written, one every `intervalMs`. @default 10 */
  readonly markers?: number;
  /** @default 10_000 */
  readonly intervalMs?: number;
  /**
   * How often the lake is asked which markers it has (one query each, over the last two days' partitions only).
   * A marker's time is measured to this resolution. @default 10_000
   */
  readonly pollIntervalMs?: number;
  /** A marker not in the lake this long after its write is reported as not seen. @default 900_000 (15 min) */
  readonly timeoutMs?: number;
  /** Told of each marker as it is written and as it shows up (or times out). */
  readonly onMarker?: (marker: Marker) => void;
  readonly signal?: AbortSignal;
  /** Clock and timer: tests pass fakes. */
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface Marker {
  readonly orderid: string;
  /** When DynamoDB confirmed the write (ms since 1970). */
  readonly writtenAtMs: number;
  /** Confirmed write → the first lake query that returned it; undefined while not seen. */
  visibleAfterMs?: number;
  timedOut?: boolean;
}

export interface HeartbeatResult {
  readonly markers: readonly Marker[];
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
  readonly maxMs: number | undefined;
  /** Markers the lake did not show within the timeout (or before an interrupt). */
  readonly notSeen: number;
  /** Lake queries run (each is billed on Athena). */
  readonly queries: number;
  readonly pollIntervalMs: number;
}

/**
 * Write → queryable freshness, end to end: writes a marker item to the table every `intervalMs`, asks the lake
 * every `pollIntervalMs` which of this run's markers it holds, and times each from its confirmed write to the
 * first query that returned it (so to within a poll interval, erring late). Markers carry the reserved prefix
 * (src/catalog/heartbeat-marker.ts), which every analytic leaves out, and are deleted again when the run ends,
 * however it ends.
 */
export async function runHeartbeat(
  dynamodb: DynamoDbMarkerApi,
  tableName: string,
  engine: QueryEngine,
  options: HeartbeatOptions = {},
): Promise<HeartbeatResult> {
  const {
    markers: wanted = 10,
    intervalMs = 10_000,
    pollIntervalMs = 10_000,
    timeoutMs = 900_000,
    onMarker,
    signal,
  } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const run = `${MARKER_ORDERID_PREFIX}${randomBytes(6).toString('hex')}#`;
  const startedAt = now();
  // Markers land in the partition of their stream time; yesterday's too, for a run across midnight UTC.
  const fromPartition = partitionDate(startedAt - 86_400_000);
  const markers: Marker[] = [];
  let queries = 0;
  let nextPollAt = startedAt + pollIntervalMs;
  const pending = () => markers.filter((m) => m.visibleAfterMs === undefined && !m.timedOut);
  try {
    while (!signal?.aborted && (markers.length < wanted || pending().length > 0)) {
      const nextWriteAt =
        markers.length < wanted ? startedAt + markers.length * intervalMs : Number.POSITIVE_INFINITY;
      const waitMs = Math.min(nextWriteAt, nextPollAt) - now();
      if (waitMs > 0) {
        await sleep(waitMs, signal);
        continue;
      }
      if (now() >= nextWriteAt) {
        const orderid = `${run}${markers.length + 1}`;
        await dynamodb.send(
          new PutItemCommand({
            TableName: tableName,
            Item: { orderid: { S: orderid }, written_at: { S: new Date(now()).toISOString() } },
          }),
        );
        const marker: Marker = { orderid, writtenAtMs: now() };
        markers.push(marker);
        onMarker?.(marker);
        continue;
      }
      nextPollAt = now() + pollIntervalMs;
      if (pending().length === 0) continue;
      const askedAt = now();
      queries += 1;
      const seen = new Set(
        (
          await engine.rows(
            `SELECT DISTINCT orderid FROM ${TABLE_NAME} WHERE dt >= ${sqlString(fromPartition)} ` +
              `AND orderid LIKE ${sqlString(`${run}%`)}`,
          )
        ).map((row) => row.orderid as string),
      );
      for (const marker of pending()) {
        if (seen.has(marker.orderid)) marker.visibleAfterMs = Math.max(0, askedAt - marker.writtenAtMs);
        else if (askedAt - marker.writtenAtMs >= timeoutMs) marker.timedOut = true;
        else continue;
        onMarker?.(marker);
      }
    }
  } finally {
    for (const marker of markers)
      await dynamodb.send(
        new DeleteItemCommand({ TableName: tableName, Key: { orderid: { S: marker.orderid } } }),
      );
  }
  const times = markers
    .flatMap((m) => (m.visibleAfterMs === undefined ? [] : [m.visibleAfterMs]))
    .sort((a, b) => a - b);
  return {
    markers,
    p50Ms: percentile(times, 0.5),
    p99Ms: percentile(times, 0.99),
    maxMs: times.at(-1),
    notSeen: markers.length - times.length,
    queries,
    pollIntervalMs,
  };
}

/** One line: how fresh the lake was, and what was not seen. */
export function formatHeartbeat(result: HeartbeatResult): string {
  const seconds = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);
  const seen = result.markers.length - result.notSeen;
  return (
    `Heartbeat: ${seen} of ${result.markers.length} markers visible in the lake; write → queryable p50 ` +
    `${seconds(result.p50Ms)}, p99 ${seconds(result.p99Ms)}, max ${seconds(result.maxMs)} (to within the ` +
    `${seconds(result.pollIntervalMs)} poll interval); ${result.queries} lake queries; markers removed` +
    (result.notSeen > 0 ? `; ${result.notSeen} NOT SEEN within the timeout` : '')
  );
}
