import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ORDER_KEY_PATH } from '../../src/pipe/partition-key.ts';
import type { FirehoseTransformationResponse } from '../../src/transform/firehose-event.ts';
import { base64Json, firehoseEvent, ORDER_IMAGE, streamRecord } from '../helpers/stream-records.ts';
import { logicalId, type SynthesizedStack, synthStack } from './synth-stack.ts';

/**
 * The capture and delivery stages as deployed, and the wiring between them: table stream → pipe → Kinesis →
 * Firehose → transform Lambda → lake prefixes. One synth for the whole file.
 */
let synthesized: SynthesizedStack;
beforeAll(() => {
  synthesized = synthStack();
});
afterAll(() => synthesized.dispose());

const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });

describe('the orders table and the change stream', () => {
  it('keys the table by orderid, on demand, with a NEW_AND_OLD_IMAGES stream and point-in-time recovery', () => {
    synthesized.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'OrdersRawTable',
      KeySchema: [{ AttributeName: 'orderid', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'orderid', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ],
    });
    synthesized.template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
  });

  it('makes the Kinesis stream on-demand and encrypted with the AWS-managed key', () => {
    synthesized.template.hasResourceProperties('AWS::Kinesis::Stream', {
      Name: 'kinesis-sales-order',
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      RetentionPeriodHours: 24,
    });
  });
});

describe('the pipe', () => {
  it("reads the table's stream and puts each record on Kinesis keyed by the order key", () => {
    const { template } = synthesized;
    const table = logicalId(template, 'AWS::DynamoDB::GlobalTable', 'OrdersTable');
    const stream = logicalId(template, 'AWS::Kinesis::Stream', 'ChangesStream');
    template.hasResourceProperties('AWS::Pipes::Pipe', {
      Name: 'orders-cdc-capture',
      Source: getAtt(table, 'StreamArn'),
      Target: getAtt(stream),
      TargetParameters: { KinesisStreamParameters: { PartitionKey: ORDER_KEY_PATH } },
      RoleArn: getAtt(logicalId(template, 'AWS::IAM::Role', 'CaptureRole')),
      LogConfiguration: Match.objectLike({ Level: 'ERROR' }),
    });
    expect(ORDER_KEY_PATH).toBe('$.dynamodb.Keys.orderid.S');
  });

  it('starts at TRIM_HORIZON, retries with bisection and records what it gives up on in its dead-letter queue', () => {
    const { template } = synthesized;
    template.hasResourceProperties('AWS::Pipes::Pipe', {
      SourceParameters: {
        DynamoDBStreamParameters: {
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 100,
          MaximumBatchingWindowInSeconds: 0,
          MaximumRetryAttempts: 10,
          MaximumRecordAgeInSeconds: 6 * 3600,
          OnPartialBatchItemFailure: 'AUTOMATIC_BISECT',
          DeadLetterConfig: { Arn: getAtt(logicalId(template, 'AWS::SQS::Queue', 'CaptureDeadLetterQueue')) },
        },
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });
});

describe('the transform Lambda', () => {
  it('runs the bundled handler on the current Node.js runtime, ARM64, logging to its own retained log group', () => {
    const { template } = synthesized;
    const logs = logicalId(template, 'AWS::Logs::LogGroup', 'TransformLogs');
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'orders-cdc-transform',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 1024,
      Timeout: 60,
      LoggingConfig: { LogGroup: { Ref: logs } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/lambda/orders-cdc-transform',
      RetentionInDays: 30,
    });
  });

  it('runs on a Node.js runtime AWS still lets new functions use', () => {
    // From the AWS Lambda docs' "Lambda runtimes" page (Node.js table: identifier, "Block function create"),
    // checked 2026-12-01. nodejs20.x is left out: new functions were blocked from 2026-08-31. When this test
    // fails on its own one day, move the function to a newer runtime and update this table from the page.
    const blockFunctionCreate: Record<string, string> = {
      'nodejs24.x': '2028-06-01',
      'nodejs22.x': '2027-06-01',
    };
    const functions = Object.values(synthesized.template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(1);
    const runtime = String(functions[0]?.Properties.Runtime);
    expect(Object.keys(blockFunctionCreate)).toContain(runtime);
    expect(Date.now(), `${runtime} may no longer be used for new functions`).toBeLessThan(
      Date.parse(blockFunctionCreate[runtime] as string),
    );
  });

  it('is src/transform/handler.ts as esbuild bundled it: the asset transforms a Firehose event', async () => {
    const asset = readdirSync(synthesized.outdir).find((name) => name.startsWith('asset.'));
    expect(asset).toBeDefined();
    const bundle = join(synthesized.outdir, asset ?? '', 'index.mjs');
    const { handler } = (await import(pathToFileURL(bundle).href)) as {
      handler: (event: unknown) => Promise<FirehoseTransformationResponse>;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const event = firehoseEvent([
      base64Json(
        streamRecord({
          eventName: 'INSERT',
          newImage: ORDER_IMAGE,
          approximateCreationDateTime: 1_763_800_021,
        }),
      ),
      Buffer.from('not json').toString('base64'),
    ]);
    const { records } = await handler(event);
    vi.restoreAllMocks();
    expect(records.map((record) => record.result)).toEqual(['Ok', 'ProcessingFailed']);
    expect(records[0]?.metadata?.partitionKeys).toEqual({ dt: '2025-11-22' });
  });
});

describe('the delivery stream', () => {
  it('reads the Kinesis stream and calls the transform with its processor buffer', () => {
    const { template } = synthesized;
    const role = getAtt(logicalId(template, 'AWS::IAM::Role', 'DeliveryRole'));
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamName: 'orders-cdc',
      DeliveryStreamType: 'KinesisStreamAsSource',
      KinesisStreamSourceConfiguration: {
        KinesisStreamARN: getAtt(logicalId(template, 'AWS::Kinesis::Stream', 'ChangesStream')),
        RoleARN: role,
      },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            {
              Type: 'Lambda',
              Parameters: [
                { ParameterName: 'RoleArn', ParameterValue: role },
                {
                  ParameterName: 'LambdaArn',
                  ParameterValue: getAtt(logicalId(template, 'AWS::Lambda::Function', 'TransformFunction')),
                },
                { ParameterName: 'BufferIntervalInSeconds', ParameterValue: '15' },
                { ParameterName: 'BufferSizeInMBs', ParameterValue: '1' },
                { ParameterName: 'NumberOfRetries', ParameterValue: '3' },
              ],
            },
          ],
        },
      }),
    });
  });

  it('partitions by the dt the transform returns, with the local delivery prefixes, into the lake bucket', () => {
    const { template } = synthesized;
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: Match.objectLike({
        BucketARN: getAtt(logicalId(template, 'AWS::S3::Bucket', 'LakeBucket')),
        DynamicPartitioningConfiguration: { Enabled: true },
        Prefix: 'orders_cdc/dt=!{partitionKeyFromLambda:dt}/',
        ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/',
        FileExtension: '.parquet',
        BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 60 },
        CloudWatchLoggingOptions: Match.objectLike({
          Enabled: true,
          LogGroupName: { Ref: logicalId(template, 'AWS::Logs::LogGroup', 'DeliveryLogs') },
        }),
      }),
    });
  });

  it('converts to Parquet with the schema of the Glue table orders_cdc', () => {
    const { template } = synthesized;
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: Match.objectLike({
        DataFormatConversionConfiguration: {
          Enabled: true,
          InputFormatConfiguration: { Deserializer: { OpenXJsonSerDe: {} } },
          OutputFormatConfiguration: { Serializer: { ParquetSerDe: {} } },
          SchemaConfiguration: Match.objectLike({
            DatabaseName: { Ref: logicalId(template, 'AWS::Glue::Database', 'CatalogDatabase') },
            TableName: { Ref: logicalId(template, 'AWS::Glue::Table', 'CatalogOrdersCdc') },
            VersionId: 'LATEST',
          }),
        },
      }),
    });
  });

  it('is created only after its role, whose inline policy lets it read the source stream', () => {
    synthesized.template.hasResource('AWS::KinesisFirehose::DeliveryStream', {
      DependsOn: Match.arrayWith([logicalId(synthesized.template, 'AWS::IAM::Role', 'DeliveryRole')]),
    });
  });
});
