import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/** The partition key of the orders table; the pipe's Kinesis partition key path reads it. */
export const ORDER_KEY_ATTRIBUTE = 'orderid';

export interface OrdersTableProps {
  /** The table name (`gadget-cdc generate --target aws` finds it in the stack outputs). */
  readonly tableName: string;
  /**
   * What happens to the table (and its orders) when the stack is deleted.
   * @default RemovalPolicy.RETAIN: orders are data, `cdk destroy` must not drop them by surprise
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The source of truth: the orders table, key `orderid` (string), on-demand, with a DynamoDB stream of
 * NEW_AND_OLD_IMAGES (the pipe reads it: REMOVE events carry the old image) and point-in-time recovery.
 * Encrypted at rest with the AWS-owned key (DynamoDB's default, no cost).
 */
export class OrdersTable extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props: OrdersTableProps) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: ORDER_KEY_ATTRIBUTE, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }

  /** The table's stream: the pipe's source. */
  get streamArn(): string {
    const arn = this.table.tableStreamArn;
    if (!arn) throw new Error('The orders table has no stream; dynamoStream must stay NEW_AND_OLD_IMAGES.');
    return arn;
  }
}
