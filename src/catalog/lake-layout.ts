import { ORDERS_CDC_PARTITION } from './orders-cdc-columns.ts';

/**
 * The lake's layout, the same in the local lake folder and in the S3 bucket: the one place its prefixes are
 * spelled. The delivery writes to it (as Firehose's prefixes), the catalog reads it (DuckDB views, the Glue
 * table's location and partition projection), compaction, backfill, redrive, status and the dashboard walk it,
 * and infra/ builds the bucket's grants and lifecycle from it.
 *
 *   orders_cdc/dt=YYYY-MM-DD/<object>        one object of `orders_cdc` rows (Parquet or JSON lines)
 *   errors/<error-output-type>/YYYY/MM/DD/HH/<object>   Firehose's error records
 *   source-backup/YYYY/MM/DD/HH/<object>     the source records, on AWS with -c sourceBackup=true
 *   current_state/manifest.json              the maintained current state: its snapshot, the objects it absorbed
 *   current_orders_state/                    AWS only, with -c currentState=iceberg: the Iceberg table of current state
 *   current_state/snapshot-<time>-<id>.parquet   the latest change of every order, as of the manifest (local)
 */

/** The table's name, and the name of its folder (Athena's `FROM orders_cdc`, Glue's location). */
export const TABLE_NAME = 'orders_cdc';
/** The table's location: its partitions are the `dt=…/` folders below. */
export const TABLE_PREFIX = `${TABLE_NAME}/`;
/** Where failed records land, under a folder per error output type. */
export const ERRORS_PREFIX = 'errors/';
/** Where Firehose keeps the source records when asked to (AWS only: the local twin keeps its Kinesis records). */
export const SOURCE_BACKUP_PREFIX = 'source-backup/';

/**
 * On AWS with `-c currentState=iceberg`: the Iceberg table Firehose keeps each order in as it stands now, and
 * its folder (Iceberg's own data/ and metadata/ below).
 */
export const CURRENT_STATE_TABLE_NAME = 'current_orders_state';
export const CURRENT_STATE_TABLE_PREFIX = `${CURRENT_STATE_TABLE_NAME}/`;
/** The maintained current state of the local lake (compaction writes it; `current_orders` reads it with the newer objects). */
export const CURRENT_STATE_PREFIX = 'current_state/';
/** Which snapshot is current and which `orders_cdc` objects it has absorbed; replaced whole. */
export const CURRENT_STATE_MANIFEST = `${CURRENT_STATE_PREFIX}manifest.json`;

/** A new snapshot's key: the time it was made (sorts by age) and an id that no other snapshot has. */
export function snapshotKey(madeAtMs: number, id: string): string {
  const time = new Date(madeAtMs).toISOString().replace(/[-:.]/g, '');
  return `${CURRENT_STATE_PREFIX}snapshot-${time}-${id}.parquet`;
}

const DT = ORDERS_CDC_PARTITION.name;

/** The data prefix as Firehose evaluates it: the `dt` partition key the transform returns for each row. */
export const DATA_OUTPUT_PREFIX = `${TABLE_PREFIX}${DT}=!{partitionKeyFromLambda:${DT}}/`;
/** The error prefix as Firehose evaluates it (dynamic partitioning requires one). */
export const ERROR_OUTPUT_PREFIX = `${ERRORS_PREFIX}!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/`;

/** The partition folder of a date: `orders_cdc/dt=2026-12-01/`. */
export function partitionPrefix(date: string): string {
  return `${TABLE_PREFIX}${DT}=${date}/`;
}

/** The partition date of a time (UTC), YYYY-MM-DD. */
export function partitionDate(timeMs: number): string {
  return new Date(timeMs).toISOString().slice(0, 10);
}

/** The error folder of one error output type: `errors/processing-failed/`. */
export function errorTypePrefix(errorOutputType: string): string {
  return `${ERRORS_PREFIX}${errorOutputType}/`;
}

const PARTITION_OBJECT = new RegExp(`^(${TABLE_PREFIX}${DT}=([^/]+)/)[^/]+$`);

/** The partition folder and date of an object's key directly in a partition; undefined for any other key. */
export function partitionOf(key: string): { readonly prefix: string; readonly date: string } | undefined {
  const match = PARTITION_OBJECT.exec(key);
  return match ? { prefix: match[1] as string, date: match[2] as string } : undefined;
}
