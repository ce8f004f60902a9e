import { ORDERS_CDC_PARTITION } from '../../src/catalog/orders-cdc-columns.ts';
import { DeliveryConfigSchema } from '../../src/delivery/delivery-config.ts';

/**
 * The lake's layout in the bucket, taken from the local Firehose's defaults (src/delivery/delivery-config.ts)
 * so the S3 bucket and the local lake folder are laid out alike (ARCHITECTURE.md, fixed points).
 */
export const DATA_OUTPUT_PREFIX: string = DeliveryConfigSchema.shape.prefix.parse(undefined);
export const ERROR_OUTPUT_PREFIX: string = DeliveryConfigSchema.shape.errorOutputPrefix.parse(undefined);
export const DELIVERY_STREAM_NAME: string = DeliveryConfigSchema.shape.deliveryStreamName.parse(undefined);

/** The partition folder as Firehose writes it, e.g. `dt=!{partitionKeyFromLambda:dt}/`. */
const PARTITION_FOLDER = `${ORDERS_CDC_PARTITION.name}=!{partitionKeyFromLambda:${ORDERS_CDC_PARTITION.name}}/`;
if (!DATA_OUTPUT_PREFIX.endsWith(PARTITION_FOLDER)) {
  throw new Error(
    `The delivery prefix ${DATA_OUTPUT_PREFIX} must end in ${PARTITION_FOLDER}: the Glue table reads it`,
  );
}

/** The table's location under the bucket: `orders_cdc/` (its partitions are the `dt=…/` folders below). */
export const TABLE_PREFIX = DATA_OUTPUT_PREFIX.slice(0, -PARTITION_FOLDER.length);
/** Where failed records land: `errors/` (then `<error-output-type>/yyyy/MM/dd/HH/`). */
export const ERRORS_PREFIX = ERROR_OUTPUT_PREFIX.slice(0, ERROR_OUTPUT_PREFIX.indexOf('!{'));
/** The Glue table the named queries read (`FROM orders_cdc`): it shares its name with its folder. */
export const GLUE_TABLE_NAME = TABLE_PREFIX.replace(/\/$/, '');
/**
 * Where Firehose keeps the source records as it read them from Kinesis when `-c sourceBackup=true`: the
 * pipe's JSON, gzipped, concatenated without a delimiter. AWS only (the local twin keeps its Kinesis records).
 */
export const SOURCE_BACKUP_PREFIX = 'source-backup/';
