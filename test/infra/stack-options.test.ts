import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Stream } from 'aws-cdk-lib/aws-kinesis';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapturePipe, type CapturePipeProps } from '../../infra/lib/capture-pipe.ts';
import { CONTEXT_KEYS, stackConfigFromContext } from '../../infra/lib/stack-config.ts';
import { iamStatements, type SynthesizedStack, synthStack } from './synth-stack.ts';

/** What a deployment may choose with `-c key=value`, and the optional crawler. */
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
    };
    expect(stackConfigFromContext((key) => context[key])).toEqual({
      stackName: 'SalesCdcTest',
      tableName: 'Orders',
      streamName: 'orders-changes',
      deliveryStreamName: 'orders-lake',
      workGroupName: 'analytics',
      databaseName: 'sales',
      crawler: true,
    });
    expect(Object.values(CONTEXT_KEYS).sort()).toEqual(Object.keys(context).sort());
  });

  it('stops on a bad value, naming the -c option and the value', () => {
    const context: Record<string, string> = { database: 'Sales-DB', crawler: 'yes' };
    expect(() => stackConfigFromContext((key) => context[key])).toThrow(
      /-c database="Sales-DB": .*\n\s+-c crawler="yes": /,
    );
  });
});

describe('a deployment with its own names and the crawler', () => {
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
      },
      { nag: true },
    );
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

  it('keeps cdk-nag clean with the crawler too', () => {
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
