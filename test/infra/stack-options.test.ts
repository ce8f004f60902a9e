import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Stream } from 'aws-cdk-lib/aws-kinesis';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapturePipe, type CapturePipeProps } from '../../infra/lib/capture-pipe.ts';
import { CONTEXT_KEYS, stackConfigFromContext } from '../../infra/lib/stack-config.ts';
import { iamStatements, logicalId, type SynthesizedStack, synthStack } from './synth-stack.ts';

/** What a deployment may choose with `-c key=value`: names, the optional crawler, alarm email, source backup. */
describe('stack config from CDK context', () => {
  it('defaults every name to the local twin’s and the CLI’s', () => {
    expect(stackConfigFromContext(() => undefined)).toEqual({
      stackName: 'GadgetSalesCdc',
      tableName: 'OrdersRawTable',
      streamName: 'kinesis-sales-order',
      deliveryStreamName: 'orders-cdc',
      workGroupName: 'gadget-sales-cdc',
      databaseName: 'gadget_sales_cdc',
      crawler: false,
      sourceBackup: false,
      currentState: 'off',
      proof: false,
      proofSchedule: 'rate(1 hour)',
    });
  });

  it('reads the -c values as the command line gives them: strings', () => {
    const context: Record<string, string> = {
      tableName: 'Orders',
      streamName: 'orders-changes',
      deliveryStream: 'orders-lake',
      workgroup: 'analytics',
      database: 'sales',
      stackName: 'SalesCdcTest',
      crawler: 'true',
      alarmEmail: 'ops@example.com',
      sourceBackup: 'true',
      currentState: 'iceberg',
      proof: 'true',
      proofSchedule: '90minutes',
    };
    expect(stackConfigFromContext((key) => context[key])).toEqual({
      stackName: 'SalesCdcTest',
      tableName: 'Orders',
      streamName: 'orders-changes',
      deliveryStreamName: 'orders-lake',
      workGroupName: 'analytics',
      databaseName: 'sales',
      crawler: true,
      alarmEmail: 'ops@example.com',
      sourceBackup: true,
      currentState: 'iceberg',
      proof: true,
      proofSchedule: 'rate(90 minutes)',
    });
    expect(Object.values(CONTEXT_KEYS).sort()).toEqual(Object.keys(context).sort());
  });

  it('stops on a bad value, naming the -c option and the value', () => {
    const context: Record<string, string> = { database: 'Sales-DB', crawler: 'yes', alarmEmail: 'ops' };
    expect(() => stackConfigFromContext((key) => context[key])).toThrow(
      /-c database="Sales-DB": .*\n\s+-c crawler="yes": .*\n\s+-c alarmEmail="ops": /,
    );
  });
});

describe('a deployment with every option: its own names, the crawler, an alarm email, the source backup', () => {
  let synthesized: SynthesizedStack;
  beforeAll(() => {
    synthesized = synthStack(
      {
        tableName: 'Orders',
        streamName: 'orders-changes',
        deliveryStreamName: 'orders-lake',
        workGroupName: 'analytics',
        databaseName: 'sales',
        crawler: true,
        alarmEmail: 'ops@example.com',
        sourceBackup: true,
      },
      { nag: true, bundle: false },
    );
  });
  const ref = (prefix: string, type: string) => ({ Ref: logicalId(synthesized.template, type, prefix) });
  const getAtt = (prefix: string, type: string) => ({
    'Fn::GetAtt': [logicalId(synthesized.template, type, prefix), 'Arn'],
  });
  afterAll(() => synthesized?.dispose());

  it('names the resources after the context', () => {
    const { template } = synthesized;
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { TableName: 'Orders' });
    template.hasResourceProperties('AWS::Kinesis::Stream', { Name: 'orders-changes' });
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamName: 'orders-lake',
    });
    template.hasResourceProperties('AWS::Pipes::Pipe', { Name: 'orders-lake-capture' });
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'orders-lake-transform' });
    template.hasResourceProperties('AWS::Athena::WorkGroup', { Name: 'analytics' });
    template.hasResourceProperties('AWS::Glue::Database', {
      DatabaseInput: Match.objectLike({ Name: 'sales' }),
    });
    template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({ Name: 'orders_cdc' }),
    });
    // Only the delivery stream of that name may assume the Firehose role.
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [
          Match.objectLike({
            Principal: { Service: 'firehose.amazonaws.com' },
            Condition: Match.objectLike({
              ArnLike: {
                'aws:SourceArn': { 'Fn::Join': ['', Match.arrayWith([':deliverystream/orders-lake'])] },
              },
            }),
          }),
        ],
      }),
    });
  });

  it('adds a crawler over orders_cdc/ that writes only its own crawled_* tables', () => {
    const { template } = synthesized;
    template.hasResourceProperties('AWS::Glue::Crawler', {
      Name: {
        'Fn::Join': ['', [Match.objectLike({ Ref: Match.stringLikeRegexp('^CatalogDatabase') }), '-crawler']],
      },
      TablePrefix: 'crawled_',
      Targets: {
        S3Targets: [{ Path: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['/orders_cdc/'])] }) }],
      },
      SchemaChangePolicy: { UpdateBehavior: 'UPDATE_IN_DATABASE', DeleteBehavior: 'LOG' },
    });
    const crawler = iamStatements(template).filter(({ owner }) => owner.startsWith('CrawlerRole'));
    const resources = JSON.stringify(crawler.map(({ statement }) => statement.Resource));
    expect(resources).toContain(':table/');
    expect(resources).toContain('/crawled_*');
    expect(resources).toContain('/orders_cdc/*');
    expect(resources).not.toContain('"*"');
    expect(resources).not.toMatch(/:table\/[^"]*orders_cdc/);
  });

  it('subscribes the alarm email to the alarm topic', () => {
    synthesized.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: ref('AlarmTopic', 'AWS::SNS::Topic'),
    });
  });

  it('backs every source record up, gzipped, under source-backup/ in the lake, with the delivery role', () => {
    const { template } = synthesized;
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: Match.objectLike({
        S3BackupMode: 'Enabled',
        S3BackupConfiguration: {
          BucketARN: getAtt('LakeBucket', 'AWS::S3::Bucket'),
          RoleARN: getAtt('DeliveryRole', 'AWS::IAM::Role'),
          Prefix: 'source-backup/',
          CompressionFormat: 'GZIP',
          BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 5 },
          CloudWatchLoggingOptions: {
            Enabled: true,
            LogGroupName: ref('DeliveryLogs', 'AWS::Logs::LogGroup'),
            LogStreamName: ref('DeliveryLogsS3Backup', 'AWS::Logs::LogStream'),
          },
        },
      }),
    });
    const puts = iamStatements(template)
      .filter(
        ({ owner, statement }) =>
          owner.startsWith('DeliveryRole') && statement.Action.includes('s3:PutObject'),
      )
      .flatMap(({ statement }) => [statement.Resource].flat());
    expect(puts).toHaveLength(3);
    for (const prefix of ['orders_cdc', 'errors', 'source-backup'])
      expect(JSON.stringify(puts)).toContain(`"/${prefix}/*"`);
    // The backup lives in the lake bucket: no bucket of its own, nothing more retained.
    template.resourceCountIs('AWS::S3::Bucket', 3);
  });

  it('watches the backup’s freshness too', () => {
    synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'GadgetSalesCdc-SourceBackupStale',
      Namespace: 'AWS/Firehose',
      MetricName: 'BackupToS3.DataFreshness',
      Dimensions: [
        {
          Name: 'DeliveryStreamName',
          Value: ref('DeliveryDeliveryStream', 'AWS::KinesisFirehose::DeliveryStream'),
        },
      ],
      Statistic: 'Maximum',
      Threshold: 900,
    });
  });

  it('keeps cdk-nag clean with every option too', () => {
    expect(new AwsSolutionsChecks().validateScope(synthesized.app).violations).toEqual([]);
  });
});

describe('the pipe construct', () => {
  it.each<[Partial<CapturePipeProps>, RegExp]>([
    [{ batchSize: 501 }, /batchSize must be 1–500 toward Kinesis .* got 501/],
    [{ partitionKeyPath: 'orderid' }, /Partition key path "orderid" is not a dotted JSON path/],
  ])('refuses %j, which the deployed pipe could not honour', (props, message) => {
    const stack = new Stack();
    const target = new Stream(stack, 'Stream');
    const sourceStreamArn =
      'arn:aws:dynamodb:eu-west-1:123456789012:table/Orders/stream/2026-01-01T00:00:00.000';
    expect(
      () => new CapturePipe(stack, 'Pipe', { pipeName: 'p', sourceStreamArn, target, ...props }),
    ).toThrow(message);
  });
});
