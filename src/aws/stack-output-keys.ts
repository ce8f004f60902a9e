/**
 * The deployed stack's CloudFormation outputs: the CDK app (`infra/`) writes them under these keys and the CLI
 * (`--target aws`) reads them back, so the two can never drift apart. Keys are stable: renaming one breaks
 * every CLI talking to a stack deployed before the rename.
 */
export const STACK_OUTPUT_KEYS = {
  /** The DynamoDB orders table (`generate --target aws` writes to it). */
  tableName: 'TableName',
  /** The Kinesis stream the pipe writes every change to. */
  streamName: 'StreamName',
  /** The lake bucket: `orders_cdc/dt=…/` and `errors/…`. */
  bucketName: 'BucketName',
  /** The Athena workgroup (`query --target aws` runs in it). */
  workGroupName: 'WorkGroupName',
  /** The Glue database holding `orders_cdc` (and the view `current_orders`). */
  databaseName: 'DatabaseName',
  /** The Firehose delivery stream (its name starts every lake object's name). */
  deliveryStreamName: 'DeliveryStreamName',
  /** The EventBridge Pipe from the table's stream to Kinesis. */
  pipeName: 'PipeName',
  /** The transform Lambda. */
  transformFunctionName: 'TransformFunctionName',
  /** Where the workgroup writes query results (`s3://…/`). */
  queryResultsLocation: 'QueryResultsLocation',
  /** The SNS topic every pipeline alarm notifies (subscribe to it, or `-c alarmEmail=…` at deploy). */
  alarmTopicArn: 'AlarmTopicArn',
  /**
   * The Iceberg table of each order as it stands now, which Athena's `current_orders` then reads. Only a stack
   * deployed with `-c currentState=iceberg` has this output.
   */
  currentStateTableName: 'CurrentStateTableName',
} as const;

export type StackOutputName = keyof typeof STACK_OUTPUT_KEYS;
/** The outputs only some stacks have. */
export type OptionalStackOutput = Extract<StackOutputName, 'currentStateTableName'>;
