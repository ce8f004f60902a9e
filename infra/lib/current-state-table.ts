import { Stack } from 'aws-cdk-lib';
import { CfnTable, type Database } from 'aws-cdk-lib/aws-glue';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CURRENT_STATE_TABLE_NAME, CURRENT_STATE_TABLE_PREFIX } from '../../src/catalog/lake-layout.ts';
import type { OrdersCdcColumnName } from '../../src/catalog/orders-cdc-columns.ts';
import { GLUE_COLUMNS } from './orders-catalog.ts';

/** The column Firehose upserts and deletes by (its `UniqueKeys`): the order's key, one row per order. */
export const CURRENT_STATE_KEY: OrdersCdcColumnName = 'orderid';

export interface CurrentStateTableProps {
  /** The Glue database of `orders_cdc`: the current state sits beside the history. */
  readonly database: Database;
  /** The lake bucket: the table's data and metadata go under `current_orders_state/` in it. */
  readonly bucket: IBucket;
}

/**
 * The current state of every order as an Apache Iceberg table (format version 2, Parquet) in the Glue Data
 * Catalog, created by Glue itself (`OpenTableFormatInput`, which writes the first metadata file), which is one of
 * the ways Firehose's prerequisites name (https://docs.aws.amazon.com/firehose/latest/dev/apache-iceberg-prereq.html).
 * Its columns are `orders_cdc`'s, from the one definition (`GLUE_COLUMNS`, from src/catalog/orders-cdc-columns.ts):
 * Firehose writes the transform's rows into it unchanged, so each row is the latest change of its order.
 *
 * Unpartitioned on purpose: Firehose writes every delete file in the partition of the record that causes it and
 * supports no global deletes (https://docs.aws.amazon.com/firehose/latest/dev/apache-iceberg-considerations.html),
 * so a table partitioned by the change's date could not delete yesterday's row of an order changed today.
 */
export class CurrentStateTable extends Construct {
  readonly table: CfnTable;
  readonly database: Database;
  readonly tableName: string;
  /** `s3://<lake bucket>/current_orders_state/`: Iceberg writes `data/` and `metadata/` below it. */
  readonly location: string;
  /** The key prefix in the lake bucket that the table's files live under. */
  readonly prefix = CURRENT_STATE_TABLE_PREFIX;

  constructor(scope: Construct, id: string, props: CurrentStateTableProps) {
    super(scope, id);
    this.database = props.database;
    this.tableName = CURRENT_STATE_TABLE_NAME;
    this.location = `s3://${props.bucket.bucketName}/${CURRENT_STATE_TABLE_PREFIX}`;
    this.table = new CfnTable(this, 'Table', {
      catalogId: props.database.catalog.catalogId,
      databaseName: props.database.databaseName,
      tableInput: {
        name: this.tableName,
        description:
          'Each order as it stands now (its latest change; removed orders are deleted), an Iceberg table Firehose maintains',
        tableType: 'EXTERNAL_TABLE',
        storageDescriptor: {
          columns: GLUE_COLUMNS.map(({ name, type, comment }) => ({ name, type: type.inputString, comment })),
          location: this.location,
        },
      },
      // Firehose writes only to Iceberg format version 2 tables (the prerequisites above).
      openTableFormatInput: { icebergInput: { metadataOperation: 'CREATE', version: '2' } },
    });
  }

  /** `arn:…:glue:<region>:<account>:table/<database>/current_orders_state`, for the writer's grants. */
  get tableArn(): string {
    return Stack.of(this).formatArn({
      service: 'glue',
      resource: 'table',
      resourceName: `${this.database.databaseName}/${this.tableName}`,
    });
  }
}
