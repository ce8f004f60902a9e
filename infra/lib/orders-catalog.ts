import { RemovalPolicy } from 'aws-cdk-lib';
import type { CfnTable } from 'aws-cdk-lib/aws-glue';
import {
  type Column,
  Database,
  DataFormat,
  DateIntervalUnit,
  PartitionProjectionConfiguration,
  S3Table,
  S3TableStorage,
  Schema,
  type Type,
} from 'aws-cdk-lib/aws-glue';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ORDERS_CDC_COLUMNS,
  ORDERS_CDC_PARTITION,
  type OrdersCdcColumn,
} from '../../src/catalog/orders-cdc-columns.ts';
import { GLUE_TABLE_NAME, TABLE_PREFIX } from './lake-layout.ts';

/** Glue's type for each Hive type of the single table definition; a new type there fails to compile here. */
const GLUE_TYPES = {
  string: Schema.STRING,
  int: Schema.INTEGER,
  bigint: Schema.BIG_INT,
  boolean: Schema.BOOLEAN,
  'decimal(12,2)': Schema.decimal(12, 2),
} as const satisfies Record<OrdersCdcColumn['type'], Type>;

/** The `orders_cdc` columns and partition for Glue, from `src/catalog/orders-cdc-columns.ts` (never copied). */
export const GLUE_COLUMNS: Column[] = ORDERS_CDC_COLUMNS.map(({ name, type, comment }) => ({
  name,
  type: GLUE_TYPES[type],
  comment,
}));
export const GLUE_PARTITION_KEYS: Column[] = [
  {
    name: ORDERS_CDC_PARTITION.name,
    type: GLUE_TYPES[ORDERS_CDC_PARTITION.type],
    comment: ORDERS_CDC_PARTITION.comment,
  },
];

export interface OrdersCatalogProps {
  readonly databaseName: string;
  /** The lake bucket: the table's location is `s3://<bucket>/orders_cdc/`. */
  readonly bucket: IBucket;
  /**
   * First day Athena projects a `dt` partition for (`projection.dt.range = <first>,NOW`); queries never look
   * at days before it. Dates are UTC, the same as the transform's `dt`.
   * @default '2025-01-01'
   */
  readonly firstPartitionDate?: string;
  /**
   * What `cdk destroy` does with the database (and every table in it, `orders_cdc`, the view `current_orders`
   * and any `crawled_*` table included).
   * @default RemovalPolicy.DESTROY: it holds definitions only, the data stays in the lake bucket; a retained
   * database blocks a redeploy under the same name
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The catalog: a Glue database and the `orders_cdc` table, Parquet, its columns generated from the one
 * definition the transform, the local Parquet files and DuckDB use. The table is also Firehose's schema for
 * the Parquet conversion, so rows land with exactly these types. Partitions are projected (`dt`, one per UTC
 * day): Athena computes them, no crawler or MSCK REPAIR is needed as days pass.
 */
export class OrdersCatalog extends Construct {
  readonly database: Database;
  readonly table: S3Table;

  constructor(scope: Construct, id: string, props: OrdersCatalogProps) {
    super(scope, id);
    this.database = new Database(this, 'Database', {
      databaseName: props.databaseName,
      description: 'Gadget sales CDC lake: orders_cdc (one row per change) and the view current_orders',
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    const partition = ORDERS_CDC_PARTITION.name;
    this.table = new S3Table(this, 'OrdersCdc', {
      database: this.database,
      tableName: GLUE_TABLE_NAME,
      description:
        'One row per change of an order (INSERT, MODIFY, REMOVE), delivered by Firehose as Parquet',
      columns: GLUE_COLUMNS,
      partitionKeys: GLUE_PARTITION_KEYS,
      dataFormat: DataFormat.PARQUET,
      storage: S3TableStorage.fromBucket(props.bucket),
      s3Prefix: TABLE_PREFIX,
      // SSE-S3 objects need no table property; `has_encrypted_data=true` would mean client-side (CSE-KMS).
      hasEncryptedData: false,
      partitionProjection: {
        [partition]: PartitionProjectionConfiguration.date({
          min: props.firstPartitionDate ?? '2025-01-01',
          max: 'NOW',
          format: 'yyyy-MM-dd',
          step: { interval: 1, intervalUnit: DateIntervalUnit.DAYS },
        }),
      },
      parameters: {
        'storage.location.template': `s3://${props.bucket.bucketName}/${TABLE_PREFIX}${partition}=\${${partition}}/`,
      },
    });
  }

  /** The underlying `AWS::Glue::Table`: Firehose's record format conversion reads its schema from it. */
  get cfnTable(): CfnTable {
    return this.table.node.defaultChild as CfnTable;
  }
}
