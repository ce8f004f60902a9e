import { Duration, RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import type { CfnTable, S3Table } from 'aws-cdk-lib/aws-glue';
import { PolicyDocument, Role } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import {
  BackupMode,
  Compression,
  DeliveryStream,
  type DestinationS3BackupProps,
  EnableLogging,
  InputFormat,
  KinesisStreamSource,
  LambdaFunctionProcessor,
  OutputFormat,
  S3Bucket,
  SchemaConfiguration,
} from 'aws-cdk-lib/aws-kinesisfirehose';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, LogStream, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DELIVERY_DEFAULTS } from '../../src/delivery/delivery-config.ts';
import { allow } from './allow.ts';
import {
  acknowledgeErrorsGrant,
  acknowledgePrefixGrant,
  firehosePrincipal,
  readAndTransform,
} from './firehose-role.ts';
import {
  DATA_OUTPUT_PREFIX,
  ERROR_OUTPUT_PREFIX,
  ERRORS_PREFIX,
  SOURCE_BACKUP_PREFIX,
  TABLE_PREFIX,
} from './lake-layout.ts';

export interface LakeDeliveryProps {
  readonly deliveryStreamName: string;
  /** The Kinesis stream Firehose reads (from LATEST, when it is created). */
  readonly source: IStream;
  /** The transform Lambda; Firehose invokes it with batches of records and writes what it returns. */
  readonly transform: IFunction;
  readonly bucket: IBucket;
  /** The Glue table whose schema the Parquet conversion uses (`orders_cdc`). */
  readonly table: S3Table;
  /** Records gathered before the transform is invoked (0.2–3 MB). @default 1 MB, as the local delivery */
  readonly processorBufferSize?: Size;
  /** @default Duration.seconds(15): a few invocations a minute when traffic is low (0–900 s) */
  readonly processorBufferInterval?: Duration;
  /**
   * Data gathered per partition before an object is written. With dynamic partitioning and Parquet
   * conversion Firehose needs at least 64 MiB and 60 s.
   * @default Size.mebibytes(64)
   */
  readonly bufferingSize?: Size;
  /** @default Duration.seconds(60): the freshest the lake can be with dynamic partitioning */
  readonly bufferingInterval?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /**
   * Also write every source record, as read from Kinesis and before the transform, to `source-backup/` in the
   * same bucket (gzipped; Firehose's S3 backup of source records). Without it a transform bug that marks wrong
   * rows Ok leaves no raw copy once Kinesis has trimmed the records (24 h). Once on, Firehose cannot turn it
   * off on the same delivery stream.
   * @default false
   */
  readonly sourceBackup?: boolean;
}

/**
 * Delivery: Firehose reads the Kinesis stream, calls the transform, partitions each row by the `dt` the
 * transform returns (`!{partitionKeyFromLambda:dt}`), converts the JSON rows to Parquet (Snappy) with the
 * Glue table's schema and writes `orders_cdc/dt=…/` objects; failures go to `errors/<type>/yyyy/MM/dd/HH/`.
 *
 * Its role is built here, statement by statement, and handed to the L2 with `withoutPolicyUpdates()` so the
 * L2's own grants (read-write on the whole bucket, `glue:GetSchemaVersion` on `*`) are not added: Firehose may
 * read only its stream, invoke only the transform, read only the table's definition, write only its prefixes
 * (two, three with the source backup) and its log streams. Only this delivery stream, in this account, may
 * assume the role (`aws:SourceAccount`, `aws:SourceArn`: the confused-deputy guard).
 */
export class LakeDelivery extends Construct {
  readonly deliveryStream: DeliveryStream;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: LakeDeliveryProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/kinesisfirehose/${props.deliveryStreamName}`,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const { table, bucket } = props;
    const stack = Stack.of(this);
    const deliveryStreamArn = stack.formatArn({
      service: 'firehose',
      resource: 'deliverystream',
      resourceName: props.deliveryStreamName,
    });
    const writablePrefixes = [
      TABLE_PREFIX,
      ERRORS_PREFIX,
      ...(props.sourceBackup ? [SOURCE_BACKUP_PREFIX] : []),
    ];
    this.role = new Role(this, 'Role', {
      description: `Firehose ${props.deliveryStreamName}: its stream, its transform, its table, its prefixes`,
      assumedBy: firehosePrincipal(stack, deliveryStreamArn),
      inlinePolicies: {
        deliver: new PolicyDocument({
          statements: [
            ...readAndTransform(props.source.streamArn, props.transform.functionArn),
            allow(
              ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
              [table.database.catalog.catalogArn, table.database.databaseArn, table.tableArn],
            ),
            allow(
              ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
              [bucket.bucketArn],
            ),
            allow(
              ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
              writablePrefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`)),
            ),
            allow(['logs:PutLogEvents'], [this.logGroup.logGroupArn]),
          ],
        }),
      },
    });
    acknowledgePrefixGrant(
      this.role,
      bucket,
      TABLE_PREFIX,
      'Firehose names each object at delivery time (partition, time, random id); the grant is limited to the table prefix.',
    );
    acknowledgeErrorsGrant(this.role, bucket);
    if (props.sourceBackup)
      acknowledgePrefixGrant(
        this.role,
        bucket,
        SOURCE_BACKUP_PREFIX,
        `The source backup is written under ${SOURCE_BACKUP_PREFIX}<yyyy/MM/dd/HH>/ with generated names; the grant is limited to that prefix.`,
      );

    // Grants the L2 would add go nowhere: the policy above is the whole of what the role may do.
    const role = this.role.withoutPolicyUpdates();
    const loggingConfig = new EnableLogging(this.logGroup);
    const s3Backup: DestinationS3BackupProps | undefined = props.sourceBackup
      ? {
          mode: BackupMode.ALL,
          bucket,
          // No expression: Firehose appends the UTC hour, `source-backup/yyyy/MM/dd/HH/`.
          dataOutputPrefix: SOURCE_BACKUP_PREFIX,
          compression: Compression.GZIP,
          // Firehose's defaults, written out: an object every 5 minutes or 5 MiB.
          bufferingInterval: Duration.minutes(5),
          bufferingSize: Size.mebibytes(5),
          loggingConfig,
        }
      : undefined;
    this.deliveryStream = new DeliveryStream(this, 'DeliveryStream', {
      deliveryStreamName: props.deliveryStreamName,
      source: new KinesisStreamSource(props.source),
      role,
      destination: new S3Bucket(bucket, {
        role,
        processors: [
          new LambdaFunctionProcessor(props.transform, {
            bufferSize: props.processorBufferSize ?? Size.bytes(DELIVERY_DEFAULTS.processorBuffer.sizeBytes),
            bufferInterval: props.processorBufferInterval ?? Duration.seconds(15),
            retries: 3,
          }),
        ],
        dynamicPartitioning: { enabled: true },
        dataOutputPrefix: DATA_OUTPUT_PREFIX,
        errorOutputPrefix: ERROR_OUTPUT_PREFIX,
        // Object names end like the local lake's: `<stream>-<version>-<time>-<uuid>.parquet`.
        fileExtension: '.parquet',
        dataFormatConversion: {
          schemaConfiguration: SchemaConfiguration.fromCfnTable(props.table.node.defaultChild as CfnTable),
          // The transform writes one JSON object per record with lower-case keys equal to the column names.
          inputFormat: InputFormat.OPENX_JSON,
          outputFormat: OutputFormat.PARQUET,
        },
        bufferingSize: props.bufferingSize ?? Size.mebibytes(64),
        bufferingInterval: props.bufferingInterval ?? Duration.seconds(60),
        loggingConfig,
        s3Backup,
      }),
    });
    // Its log streams go with the log group on `cdk destroy` (the L2 leaves them retained).
    for (const child of this.logGroup.node.children)
      if (child instanceof LogStream) child.applyRemovalPolicy(RemovalPolicy.DESTROY);
    // The role's policy is part of the role resource; the stream must wait for it (Firehose checks access
    // to the source stream when it is created).
    this.deliveryStream.node.addDependency(this.role);
    Validations.of(this.deliveryStream).acknowledge({
      id: 'AwsSolutions-KDF1',
      reason:
        'Firehose rejects server-side encryption when its source is a Kinesis stream; the data is encrypted at rest in that stream (aws/kinesis), in Firehose by AWS, and in the bucket (SSE-S3).',
    });
  }
}
