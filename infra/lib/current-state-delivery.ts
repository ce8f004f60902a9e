import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import { PolicyDocument, Role } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { CfnDeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DELIVERY_DEFAULTS } from '../../src/delivery/delivery-config.ts';
import { CURRENT_STATE_ENV } from '../../src/transform/current-state-handler.ts';
import { allow } from './allow.ts';
import { CURRENT_STATE_KEY, type CurrentStateTable } from './current-state-table.ts';
import {
  acknowledgeErrorsGrant,
  acknowledgePrefixGrant,
  firehosePrincipal,
  readAndTransform,
} from './firehose-role.ts';
import { ERROR_OUTPUT_PREFIX, ERRORS_PREFIX } from './lake-layout.ts';
import { TransformFunction } from './transform-function.ts';

/** The companion transform: the lake's transform plus Firehose's per-record Iceberg routing. */
export const CURRENT_STATE_TRANSFORM_ENTRY = fileURLToPath(
  new URL('../../src/transform/current-state-handler.ts', import.meta.url),
);

export interface CurrentStateDeliveryProps {
  /** Names the delivery stream and its transform function (Firehose and Lambda names: at most 64 characters). */
  readonly deliveryStreamName: string;
  /** The Kinesis stream the lake's delivery stream reads too (from LATEST, when this one is created). */
  readonly source: IStream;
  /** The lake bucket: the table's files under `current_orders_state/`, failed records under `errors/`. */
  readonly bucket: IBucket;
  readonly table: CurrentStateTable;
  /** Records gathered before the transform is invoked (0.2–3 MB). @default 1 MB, as the lake's delivery */
  readonly processorBufferSize?: Size;
  /** @default Duration.seconds(15), as the lake's delivery */
  readonly processorBufferInterval?: Duration;
  /**
   * Data gathered before Firehose commits to the table (1–128 MiB); each commit is a snapshot with its own data
   * and delete files. @default Size.mebibytes(64)
   */
  readonly bufferingSize?: Size;
  /**
   * The longest a change waits before it is committed (0–900 s; Firehose's default is 300 s). Shorter is fresher
   * and makes more, smaller files and snapshots to compact. @default Duration.seconds(60), as the lake's delivery
   */
  readonly bufferingInterval?: Duration;
  /** How long Firehose retries a failed commit before it writes the records under `errors/`. @default 300 s */
  readonly retryDuration?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/**
 * The current state on AWS: a second Firehose stream reads the same Kinesis stream as the lake's, runs the
 * companion transform (`src/transform/current-state-handler.ts`: the lake's transform, then per record
 * `otfMetadata` with operation `update` for INSERT and MODIFY, `delete` for REMOVE) and applies the rows to the
 * Iceberg table `current_orders_state` by its unique key `orderid`. Records the transform fails, and rows Firehose
 * cannot apply, land under `errors/<type>/yyyy/MM/dd/HH/` as the lake's do.
 *
 * The CDK has no Firehose L2 destination for Iceberg, so the stream is the L1 resource; its role is built here
 * statement by statement, as the lake delivery's (infra/lib/lake-delivery.ts): its stream, its transform, its
 * table (`glue:GetTable`, `GetDatabase`, `UpdateTable` on the catalog, the database and this table only), the
 * table's prefix and the error prefix, its log group. Only this delivery stream, in this account, may assume it.
 */
export class CurrentStateDelivery extends Construct {
  readonly deliveryStream: CfnDeliveryStream;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly transform: TransformFunction;

  constructor(scope: Construct, id: string, props: CurrentStateDeliveryProps) {
    super(scope, id);
    const { bucket, table } = props;
    const stack = Stack.of(this);
    this.transform = new TransformFunction(this, 'Transform', {
      functionName: props.deliveryStreamName,
      entry: CURRENT_STATE_TRANSFORM_ENTRY,
      description:
        'Firehose transform of the current state: orders_cdc rows routed as Iceberg upserts and deletes',
      environment: {
        [CURRENT_STATE_ENV.databaseName]: table.database.databaseName,
        [CURRENT_STATE_ENV.tableName]: table.tableName,
      },
      logRetention: props.logRetention,
    });
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/kinesisfirehose/${props.deliveryStreamName}`,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Its log stream goes with the log group on `cdk destroy` (a LogStream is retained by default).
    const logStream = this.logGroup.addStream('DestinationDelivery');
    logStream.applyRemovalPolicy(RemovalPolicy.DESTROY);

    const deliveryStreamArn = stack.formatArn({
      service: 'firehose',
      resource: 'deliverystream',
      resourceName: props.deliveryStreamName,
    });
    const { database } = table;
    this.role = new Role(this, 'Role', {
      description: `Firehose ${props.deliveryStreamName}: its stream, its transform, the current-state table, its prefixes`,
      assumedBy: firehosePrincipal(stack, deliveryStreamArn),
      inlinePolicies: {
        deliver: new PolicyDocument({
          statements: [
            ...readAndTransform(props.source.streamArn, this.transform.function.functionArn),
            // Firehose reads the table's metadata location and commits each snapshot by updating it.
            allow(
              ['glue:GetTable', 'glue:GetDatabase', 'glue:UpdateTable'],
              [database.catalog.catalogArn, database.databaseArn, table.tableArn],
            ),
            allow(
              ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
              [bucket.bucketArn],
            ),
            allow(
              ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
              [bucket.arnForObjects(`${table.prefix}*`), bucket.arnForObjects(`${ERRORS_PREFIX}*`)],
            ),
            // Iceberg's writer removes the files of a commit that failed; AWS's policy for an Iceberg destination
            // grants it. Only in the table's own prefix: errors are never deleted.
            allow(['s3:DeleteObject'], [bucket.arnForObjects(`${table.prefix}*`)]),
            allow(['logs:PutLogEvents'], [this.logGroup.logGroupArn]),
          ],
        }),
      },
    });
    acknowledgePrefixGrant(
      this.role,
      bucket,
      table.prefix,
      'Iceberg names its data, delete and metadata files at commit time (data/, metadata/ below the table location); the grant is limited to the table prefix.',
    );
    acknowledgeErrorsGrant(this.role, bucket);

    // The lake delivery's processor settings, written out as the L2 renders them (it has no Iceberg destination).
    const processorBufferSize =
      props.processorBufferSize ?? Size.bytes(DELIVERY_DEFAULTS.processorBuffer.sizeBytes);
    const processorBufferInterval = props.processorBufferInterval ?? Duration.seconds(15);
    const processorParameters: Record<string, string> = {
      RoleArn: this.role.roleArn,
      LambdaArn: this.transform.function.functionArn,
      BufferIntervalInSeconds: String(processorBufferInterval.toSeconds()),
      BufferSizeInMBs: String(processorBufferSize.toMebibytes()),
      NumberOfRetries: '3',
    };
    const loggingOptions = {
      enabled: true,
      logGroupName: this.logGroup.logGroupName,
      logStreamName: logStream.logStreamName,
    };
    this.deliveryStream = new CfnDeliveryStream(this, 'DeliveryStream', {
      deliveryStreamName: props.deliveryStreamName,
      deliveryStreamType: 'KinesisStreamAsSource',
      kinesisStreamSourceConfiguration: {
        kinesisStreamArn: props.source.streamArn,
        roleArn: this.role.roleArn,
      },
      icebergDestinationConfiguration: {
        roleArn: this.role.roleArn,
        catalogConfiguration: { catalogArn: database.catalog.catalogArn },
        destinationTableConfigurationList: [
          {
            destinationDatabaseName: database.databaseName,
            destinationTableName: table.tableName,
            uniqueKeys: [CURRENT_STATE_KEY],
          },
        ],
        // Updates and deletes: never AppendOnly, which AWS says delivers such a stream out of order.
        appendOnly: false,
        bufferingHints: {
          sizeInMBs: (props.bufferingSize ?? Size.mebibytes(64)).toMebibytes(),
          intervalInSeconds: (props.bufferingInterval ?? Duration.seconds(60)).toSeconds(),
        },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: 'Lambda',
              parameters: Object.entries(processorParameters).map(([parameterName, parameterValue]) => ({
                parameterName,
                parameterValue,
              })),
            },
          ],
        },
        retryOptions: { durationInSeconds: (props.retryDuration ?? Duration.seconds(300)).toSeconds() },
        // What cannot be delivered goes to the lake bucket, laid out as the lake delivery's failures.
        s3BackupMode: 'FailedDataOnly',
        s3Configuration: {
          bucketArn: bucket.bucketArn,
          roleArn: this.role.roleArn,
          // Nothing but failures is written through this configuration; the plain prefix stays inside errors/
          // so that nothing could land outside the granted prefixes.
          prefix: ERRORS_PREFIX,
          errorOutputPrefix: ERROR_OUTPUT_PREFIX,
          cloudWatchLoggingOptions: loggingOptions,
        },
        cloudWatchLoggingOptions: loggingOptions,
      },
    });
    // Firehose checks the table and its unique key when the stream is created, so the table must exist first;
    // nothing in the stream's properties refers to it (the names are plain text). The role, with its inline
    // policy, comes first already: the stream refers to its ARN.
    this.deliveryStream.node.addDependency(table);
    Validations.of(this.deliveryStream).acknowledge({
      id: 'AwsSolutions-KDF1',
      reason:
        'As for the lake delivery: Firehose rejects server-side encryption with a Kinesis stream as source; the data is encrypted at rest in that stream, in Firehose by AWS, and in the bucket (SSE-S3).',
    });
  }
}
