/**
 * The transform of the current-state delivery stream (on AWS with `-c currentState=iceberg`:
 * infra/lib/current-state-delivery.ts, docs/current-state-on-aws.md). It runs the lake's transform as it is
 * (`./handler.ts`: the same rows, the same failures, the same log line and so the same metrics) and then tells
 * Firehose, per record, what the row does to the Apache Iceberg table keyed by `orderid`: Firehose's routing
 * metadata for a Lambda processor, `metadata.otfMetadata { destinationDatabaseName, destinationTableName,
 * operation }` (https://docs.aws.amazon.com/firehose/latest/dev/apache-iceberg-format-input-record-different.html).
 *
 * - INSERT and MODIFY upsert: operation `update`, which Firehose applies as a delete of the key followed by an
 *   insert, so it also writes a key the table does not hold yet. `insert` is never used: a change delivered
 *   twice (the pipe and Kinesis deliver at least once) would then leave two rows for one order.
 * - REMOVE is an upsert too, of its tombstone row (`cdc_event_type` REMOVE; `current_orders` leaves it out), not
 *   operation `delete`: one Firehose commit can hold changes of one order from two invocations, and Iceberg's
 *   equality deletes do not reach rows of the same commit, so a `delete` could leave the MODIFY before it
 *   standing. A tombstone row is newer than that MODIFY, and the view ranks rows per order by sequence number.
 * - Within one invocation only the newest change of each order (highest DynamoDB sequence number) is routed;
 *   the older ones are Dropped. Iceberg's equality deletes do not reach rows written in the same commit, so
 *   two changes of one key in one Firehose batch could otherwise both survive (or a REMOVE fail to remove the
 *   MODIFY before it). Firehose documents no order for records of one key within a batch; dropping the
 *   superseded ones makes that order irrelevant inside an invocation. Across invocations it cannot: see the
 *   ordering section of docs/current-state-on-aws.md.
 * - A record the transform failed stays ProcessingFailed (Firehose writes its raw bytes under errors/), and so
 *   does an Ok row that cannot be routed (no order key, unknown change type: the transform never emits one).
 *
 * The lake's transform is unchanged and keeps its own contract; this module only reads its output.
 */
import { compareSequenceNumbers } from '../checkpoint/sequence-numbers.ts';
import type {
  FirehoseTransformationEvent,
  FirehoseTransformationResultRecord,
  TransformationResult,
} from './firehose-event.ts';
import { handler as transform } from './handler.ts';
import { failed } from './transform-record.ts';

/** Firehose's row-level operations on an Iceberg destination table. */
export type IcebergOperation = 'insert' | 'update' | 'delete';

/** The change types of `orders_cdc.cdc_event_type` (DynamoDB Streams' eventName). */
export type ChangeType = 'INSERT' | 'MODIFY' | 'REMOVE';

/** What each change does to the current-state table: every change upserts the order's row (REMOVE's a tombstone). */
export const OPERATION_OF_CHANGE = {
  INSERT: 'update',
  MODIFY: 'update',
  REMOVE: 'update',
} as const satisfies Record<ChangeType, IcebergOperation>;

/** Firehose's per-record routing to an Apache Iceberg table, spelled as AWS documents it. */
export interface OtfMetadata {
  readonly destinationDatabaseName: string;
  readonly destinationTableName: string;
  readonly operation: IcebergOperation;
}

/** A result record of this function: Ok records carry the routing, and only the routing, as metadata. */
export interface CurrentStateResultRecord {
  readonly recordId: string;
  readonly result: TransformationResult;
  readonly data: string;
  readonly metadata?: { readonly otfMetadata: OtfMetadata };
}

export interface CurrentStateDestination {
  readonly databaseName: string;
  readonly tableName: string;
}

/** The environment variables naming the destination; the stack sets them from the Glue database and table. */
export const CURRENT_STATE_ENV = {
  databaseName: 'CURRENT_STATE_DATABASE',
  tableName: 'CURRENT_STATE_TABLE',
} as const satisfies Record<keyof CurrentStateDestination, string>;

/** What one invocation routed, as logged (beside the transform's own `transformed` line). */
export interface RoutingSummary {
  readonly upserts: number;
  /** Of the upserts, REMOVEs: tombstone rows. */
  readonly tombstones: number;
  /** Ok rows dropped because a newer change of the same order is in the same invocation. */
  readonly superseded: number;
  /** Ok rows turned ProcessingFailed because they carry no routable key or change type. */
  readonly unroutable: number;
  readonly firstUnroutable: ReadonlyArray<{ recordId: string; reason: string }>;
}

const LOGGED_FAILURES = 5;

export async function handler(
  event: FirehoseTransformationEvent,
  context?: unknown,
): Promise<{ records: CurrentStateResultRecord[] }> {
  const destination = destinationFromEnvironment(process.env);
  const { records } = await transform(event, context);
  const routed = routeToCurrentState(event, records, destination);
  process.stdout.write(
    `${JSON.stringify({
      level: routed.summary.unroutable > 0 ? 'WARN' : 'INFO',
      message: 'routed',
      invocationId: event?.invocationId,
      ...routed.summary,
    })}\n`,
  );
  return { records: routed.records };
}

/** The destination from the environment; a function deployed without it is misconfigured, not fed bad data. */
export function destinationFromEnvironment(env: NodeJS.ProcessEnv): CurrentStateDestination {
  const databaseName = env[CURRENT_STATE_ENV.databaseName];
  const tableName = env[CURRENT_STATE_ENV.tableName];
  if (!databaseName || !tableName)
    throw new Error(
      `The current-state transform needs ${CURRENT_STATE_ENV.databaseName} and ${CURRENT_STATE_ENV.tableName} set`,
    );
  return { databaseName, tableName };
}

/** The fields of an `orders_cdc` row the routing reads. */
interface RoutableRow {
  readonly orderid: string;
  readonly change: ChangeType;
  readonly sequenceNumber: string;
}

/**
 * Adds the routing to the transform's results, one for one and in order (Firehose's rule: every recordId back
 * exactly once). `event` supplies the original bytes of a record that turns ProcessingFailed here.
 */
export function routeToCurrentState(
  event: FirehoseTransformationEvent,
  results: readonly FirehoseTransformationResultRecord[],
  destination: CurrentStateDestination,
): { records: CurrentStateResultRecord[]; summary: RoutingSummary } {
  const rows = results.map((result) => (result.result === 'Ok' ? readRow(result.data) : undefined));
  // The index of the newest change of each order in this invocation (ties: the later record, an equal copy).
  const newest = new Map<string, number>();
  rows.forEach((row, index) => {
    if (row === undefined || typeof row === 'string') return;
    const current = newest.get(row.orderid);
    const currentRow = current === undefined ? undefined : (rows[current] as RoutableRow);
    if (!currentRow || compareSequenceNumbers(row.sequenceNumber, currentRow.sequenceNumber) >= 0)
      newest.set(row.orderid, index);
  });

  let upserts = 0;
  let tombstones = 0;
  let superseded = 0;
  let unroutable = 0;
  const firstUnroutable: Array<{ recordId: string; reason: string }> = [];
  const records = results.map((result, index): CurrentStateResultRecord => {
    const row = rows[index];
    if (row === undefined) return withoutMetadata(result);
    if (typeof row === 'string') {
      unroutable++;
      if (firstUnroutable.length < LOGGED_FAILURES)
        firstUnroutable.push({ recordId: result.recordId, reason: row });
      return withoutMetadata(failed(result.recordId, event?.records?.[index]?.data));
    }
    if (newest.get(row.orderid) !== index) {
      superseded++;
      return { recordId: result.recordId, result: 'Dropped', data: result.data };
    }
    const operation = OPERATION_OF_CHANGE[row.change];
    upserts++;
    if (row.change === 'REMOVE') tombstones++;
    return {
      recordId: result.recordId,
      result: 'Ok',
      data: result.data,
      metadata: {
        otfMetadata: {
          destinationDatabaseName: destination.databaseName,
          destinationTableName: destination.tableName,
          operation,
        },
      },
    };
  });
  return { records, summary: { upserts, tombstones, superseded, unroutable, firstUnroutable } };
}

/** The result record as the transform returned it, minus the lake's partition keys (no partitioning here). */
function withoutMetadata(result: FirehoseTransformationResultRecord): CurrentStateResultRecord {
  return { recordId: result.recordId, result: result.result, data: result.data };
}

const SEQUENCE_NUMBER = /^[0-9]{1,40}$/;

/** The routing fields of an Ok row (base64 of one JSON line), or why it cannot be routed. */
function readRow(data: string): RoutableRow | string {
  let row: unknown;
  try {
    row = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch {
    return 'the row is not JSON';
  }
  const {
    orderid,
    cdc_event_type: change,
    sequence_number: sequenceNumber,
  } = (row ?? {}) as Record<string, unknown>;
  if (typeof orderid !== 'string' || orderid === '') return 'the row has no orderid';
  if (typeof change !== 'string' || !Object.hasOwn(OPERATION_OF_CHANGE, change))
    return `the row's cdc_event_type ${JSON.stringify(change)} is not INSERT, MODIFY or REMOVE`;
  if (typeof sequenceNumber !== 'string' || !SEQUENCE_NUMBER.test(sequenceNumber))
    return 'the row has no sequence_number';
  return { orderid, change: change as ChangeType, sequenceNumber };
}
