import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { STACK_OUTPUT_KEYS } from '../../src/aws/stack-output-keys.ts';
import { createCurrentOrdersView, seedCurrentStateTable } from '../../src/catalog/current-orders-sql.ts';
import { CURRENT_STATE_TABLE_PREFIX, ERROR_OUTPUT_PREFIX } from '../../src/catalog/lake-layout.ts';
import { ORDERS_CDC_COLUMNS } from '../../src/catalog/orders-cdc-columns.ts';
import type { CurrentStateResultRecord } from '../../src/transform/current-state-handler.ts';
import { base64Json, firehoseEvent, ORDER_IMAGE, streamRecord } from '../helpers/stream-records.ts';
import {
  grantsOf,
  iamStatements,
  logicalId,
  renderExpression,
  type SynthesizedStack,
  synthStack,
} from './synth-stack.ts';

/**
 * `-c currentState=iceberg` (docs/current-state-on-aws.md): an Iceberg table beside orders_cdc and a second
 * Firehose stream that keeps it as each order stands now. Off (the default), the stack is exactly today's.
 */
let off: SynthesizedStack;
let explicitOff: SynthesizedStack;
let on: SynthesizedStack;
beforeAll(() => {
  // All three bundled, so the lake transform's asset is the same in each and the templates compare whole.
  off = synthStack();
  explicitOff = synthStack({ currentState: 'off' });
  // Bundled (the companion's code is checked below), with cdk-nag and CloudFormation's schema check: an
  // unacknowledged finding or an invalid property fails this synth.
  on = synthStack({ currentState: 'iceberg' }, { nag: true, validate: true });
});
afterAll(() => {
  for (const stack of [off, explicitOff, on]) stack.dispose();
});

const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });
const ICEBERG_TABLE = 'current_orders_state';

describe('with the mode off (the default)', () => {
  it('synthesizes the same template as an explicit currentState=off', () => {
    expect(off.template.toJSON()).toEqual(explicitOff.template.toJSON());
  });

  it('has no Iceberg table, no second delivery stream and no second function', () => {
    const json = JSON.stringify(off.template.toJSON());
    expect(json).not.toMatch(/Iceberg|OpenTableFormatInput|current_orders_state|CurrentState/);
    off.template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 1);
    off.template.resourceCountIs('AWS::Glue::Table', 1);
    off.template.resourceCountIs('AWS::Lambda::Function', 1);
  });
});

describe('with -c currentState=iceberg', () => {
  it('changes nothing of the stack without it but the view current_orders, which reads the table instead', () => {
    const before = off.template.toJSON();
    const after = on.template.toJSON();
    const view = logicalId(on.template, 'AWS::Athena::NamedQuery', 'AthenaQuerycreatecurrentordersview');
    for (const [id, resource] of Object.entries(before.Resources as Record<string, unknown>))
      if (id !== view) expect(after.Resources[id], id).toEqual(resource);
    expect(after.Resources[view].Properties.QueryString).toBe(createCurrentOrdersView(ICEBERG_TABLE));
    expect(after.Resources[view].Properties.QueryString).toBe(
      before.Resources[view].Properties.QueryString.replace('FROM orders_cdc\n', `FROM ${ICEBERG_TABLE}\n`),
    );
    expect(after.Outputs).toEqual({
      ...before.Outputs,
      [STACK_OUTPUT_KEYS.currentStateTableName]: {
        Description: expect.stringContaining('current_orders reads it'),
        Value: ICEBERG_TABLE,
      },
    });
    const added = Object.keys(after.Resources).filter((id) => !(id in before.Resources));
    expect(added.length).toBeGreaterThan(0);
    expect(added.filter((id) => !id.startsWith('CurrentState'))).toEqual([
      logicalId(on.template, 'AWS::Athena::NamedQuery', 'AthenaQueryseedcurrentordersstate'),
    ]);
  });

  it('saves a named query that seeds the table from the history, once, for a stack that had orders before', () => {
    on.template.hasResourceProperties('AWS::Athena::NamedQuery', {
      Name: 'seed_current_orders_state',
      QueryString: seedCurrentStateTable(ICEBERG_TABLE),
    });
  });

  it('creates the Iceberg table (format 2) beside orders_cdc, with the columns of orders-cdc-columns.ts', () => {
    const { template } = on;
    template.resourceCountIs('AWS::Glue::Table', 2);
    template.hasResourceProperties('AWS::Glue::Table', {
      CatalogId: { Ref: 'AWS::AccountId' },
      DatabaseName: { Ref: logicalId(template, 'AWS::Glue::Database', 'CatalogDatabase') },
      OpenTableFormatInput: { IcebergInput: { MetadataOperation: 'CREATE', Version: '2' } },
      TableInput: {
        Name: ICEBERG_TABLE,
        Description: Match.anyValue(),
        TableType: 'EXTERNAL_TABLE',
        StorageDescriptor: {
          // The Hive types of the one column definition, in its order; Glue turns them into Iceberg types.
          Columns: ORDERS_CDC_COLUMNS.map(({ name, type, comment }) => ({
            Name: name,
            Type: type,
            Comment: comment,
          })),
          Location: {
            'Fn::Join': [
              '',
              [
                's3://',
                { Ref: logicalId(template, 'AWS::S3::Bucket', 'LakeBucket') },
                '/current_orders_state/',
              ],
            ],
          },
        },
      },
    });
    // Unpartitioned: Firehose supports no global deletes, and an order's changes span days.
    const table = Object.values(template.findResources('AWS::Glue::Table')).find(
      (resource) => resource.Properties.TableInput.Name === ICEBERG_TABLE,
    );
    expect(table?.Properties.TableInput.PartitionKeys).toBeUndefined();
    expect(CURRENT_STATE_TABLE_PREFIX).toBe('current_orders_state/');
  });

  it('delivers the same Kinesis stream into that table, keyed by orderid, routed by the companion function', () => {
    const { template } = on;
    template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 2);
    const role = getAtt(logicalId(template, 'AWS::IAM::Role', 'CurrentStateDeliveryRole'));
    const companion = getAtt(
      logicalId(template, 'AWS::Lambda::Function', 'CurrentStateDeliveryTransformFunction'),
    );
    const glue = 'arn:{AWS::Partition}:glue:{AWS::Region}:{AWS::AccountId}';
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamName: 'orders-cdc-state',
      DeliveryStreamType: 'KinesisStreamAsSource',
      KinesisStreamSourceConfiguration: {
        KinesisStreamARN: getAtt(logicalId(template, 'AWS::Kinesis::Stream', 'ChangesStream')),
        RoleARN: role,
      },
      IcebergDestinationConfiguration: Match.objectLike({
        RoleARN: role,
        DestinationTableConfigurationList: [
          {
            DestinationDatabaseName: { Ref: logicalId(template, 'AWS::Glue::Database', 'CatalogDatabase') },
            DestinationTableName: ICEBERG_TABLE,
            UniqueKeys: ['orderid'],
          },
        ],
        AppendOnly: false,
        BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 60 },
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            {
              Type: 'Lambda',
              Parameters: [
                { ParameterName: 'RoleArn', ParameterValue: role },
                { ParameterName: 'LambdaArn', ParameterValue: companion },
                { ParameterName: 'BufferIntervalInSeconds', ParameterValue: '15' },
                { ParameterName: 'BufferSizeInMBs', ParameterValue: '1' },
                { ParameterName: 'NumberOfRetries', ParameterValue: '3' },
              ],
            },
          ],
        },
        RetryOptions: { DurationInSeconds: 300 },
        // CloudFormation spells this one property of the Iceberg destination with a lower-case s.
        s3BackupMode: 'FailedDataOnly',
        S3Configuration: Match.objectLike({
          BucketARN: getAtt(logicalId(template, 'AWS::S3::Bucket', 'LakeBucket')),
          RoleARN: role,
          Prefix: 'errors/',
          ErrorOutputPrefix: ERROR_OUTPUT_PREFIX,
        }),
        CloudWatchLoggingOptions: Match.objectLike({
          Enabled: true,
          LogGroupName: { Ref: logicalId(template, 'AWS::Logs::LogGroup', 'CurrentStateDeliveryLogs') },
        }),
      }),
    });
    const stream = Object.values(template.findResources('AWS::KinesisFirehose::DeliveryStream')).find(
      (resource) => resource.Properties.DeliveryStreamName === 'orders-cdc-state',
    );
    expect(
      renderExpression(stream?.Properties.IcebergDestinationConfiguration.CatalogConfiguration.CatalogArn),
    ).toBe(`${glue}:catalog`);
  });

  it('creates the stream after the table (Firehose checks the table and its unique key then) and its role', () => {
    const { template } = on;
    const stream = Object.values(template.findResources('AWS::KinesisFirehose::DeliveryStream')).find(
      (resource) => resource.Properties.DeliveryStreamName === 'orders-cdc-state',
    );
    // Nothing in its properties names the table's resource (the names are plain text): an explicit dependency.
    expect(stream?.DependsOn).toEqual([logicalId(template, 'AWS::Glue::Table', 'CurrentStateTable')]);
    // The role (its inline policy included) through the ARN the stream refers to.
    expect(stream?.Properties.KinesisStreamSourceConfiguration.RoleARN).toEqual(
      getAtt(logicalId(template, 'AWS::IAM::Role', 'CurrentStateDeliveryRole')),
    );
  });
});

describe('the companion function', () => {
  it('runs on the lake transform’s runtime and architecture, told its destination by the environment', () => {
    const { template } = on;
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'orders-cdc-state',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Environment: {
        Variables: {
          NODE_OPTIONS: '--enable-source-maps',
          CURRENT_STATE_DATABASE: { Ref: logicalId(template, 'AWS::Glue::Database', 'CatalogDatabase') },
          CURRENT_STATE_TABLE: ICEBERG_TABLE,
        },
      },
      LoggingConfig: {
        LogGroup: { Ref: logicalId(template, 'AWS::Logs::LogGroup', 'CurrentStateDeliveryTransformLogs') },
      },
    });
  });

  it('is src/transform/current-state-handler.ts as esbuild bundled it: the asset routes a Firehose event', async () => {
    const fn = Object.values(on.template.findResources('AWS::Lambda::Function')).find(
      (resource) => resource.Properties.FunctionName === 'orders-cdc-state',
    );
    const key = String(fn?.Properties.Code.S3Key);
    const bundle = join(on.outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
    expect(readFileSync(bundle, 'utf8')).toContain('otfMetadata');
    const { handler } = (await import(pathToFileURL(bundle).href)) as {
      handler: (event: unknown) => Promise<{ records: CurrentStateResultRecord[] }>;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.stubEnv('CURRENT_STATE_DATABASE', 'gadget_sales_cdc');
    vi.stubEnv('CURRENT_STATE_TABLE', ICEBERG_TABLE);
    try {
      const { records } = await handler(
        firehoseEvent([
          base64Json(streamRecord({ eventName: 'REMOVE', oldImage: ORDER_IMAGE })),
          Buffer.from('not json').toString('base64'),
        ]),
      );
      expect(records.map(({ result, metadata }) => [result, metadata])).toEqual([
        [
          'Ok',
          {
            otfMetadata: {
              destinationDatabaseName: 'gadget_sales_cdc',
              destinationTableName: ICEBERG_TABLE,
              // A REMOVE is a tombstone row (docs/current-state-on-aws.md, ordering).
              operation: 'update',
            },
          },
        ],
        ['ProcessingFailed', undefined],
      ]);
    } finally {
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
    }
  });

  it('may only write its own logs', () => {
    expect(grantsOf(on.template, 'CurrentStateDeliveryTransformRole')).toEqual({
      'logs:CreateLogStream': ['{CurrentStateDeliveryTransformLogs.Arn}'],
      'logs:PutLogEvents': ['{CurrentStateDeliveryTransformLogs.Arn}'],
    });
  });
});

describe('least privilege', () => {
  it('lets the Iceberg stream read only its stream, invoke only its function, write only its table and prefixes', () => {
    const stream = ['{ChangesStream.Arn}'];
    const glue = 'arn:{AWS::Partition}:glue:{AWS::Region}:{AWS::AccountId}';
    const table = [
      `${glue}:catalog`,
      `${glue}:database/{CatalogDatabase}`,
      `${glue}:table/{CatalogDatabase}/${ICEBERG_TABLE}`,
    ].sort();
    const objects = ['{LakeBucket.Arn}/current_orders_state/*', '{LakeBucket.Arn}/errors/*'];
    const companion = ['{CurrentStateDeliveryTransformFunction.Arn}'];
    expect(grantsOf(on.template, 'CurrentStateDeliveryRole')).toEqual({
      'kinesis:DescribeStream': stream,
      'kinesis:GetShardIterator': stream,
      'kinesis:GetRecords': stream,
      'kinesis:ListShards': stream,
      'lambda:InvokeFunction': companion,
      'lambda:GetFunctionConfiguration': companion,
      'glue:GetTable': table,
      'glue:GetDatabase': table,
      'glue:UpdateTable': table,
      's3:GetBucketLocation': ['{LakeBucket.Arn}'],
      's3:ListBucket': ['{LakeBucket.Arn}'],
      's3:ListBucketMultipartUploads': ['{LakeBucket.Arn}'],
      's3:PutObject': objects,
      's3:GetObject': objects,
      's3:AbortMultipartUpload': objects,
      // Only in the table's prefix: Iceberg removes the files of a failed commit; errors are never deleted.
      's3:DeleteObject': ['{LakeBucket.Arn}/current_orders_state/*'],
      'logs:PutLogEvents': ['{CurrentStateDeliveryLogs.Arn}'],
    });
  });

  it('lets only this delivery stream of this account assume its role', () => {
    const role = Object.values(on.template.findResources('AWS::IAM::Role')).find((resource) =>
      resource.Properties.Description?.startsWith?.('Firehose orders-cdc-state'),
    );
    const [statement, ...others] = role?.Properties.AssumeRolePolicyDocument.Statement ?? [];
    expect(others).toEqual([]);
    expect(statement.Principal).toEqual({ Service: 'firehose.amazonaws.com' });
    expect(statement.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    expect(renderExpression(statement.Condition.ArnLike['aws:SourceArn'])).toBe(
      'arn:{AWS::Partition}:firehose:{AWS::Region}:{AWS::AccountId}:deliverystream/orders-cdc-state',
    );
  });

  it('still allows Resource "*" nowhere but dynamodb:ListStreams, and no action wildcards', () => {
    const allows = iamStatements(on.template)
      .map(({ statement }) => statement)
      .filter((statement) => statement.Effect === 'Allow');
    const unscoped = allows.filter((statement) => [statement.Resource].flat().includes('*'));
    expect(unscoped.map((statement) => statement.Action)).toEqual(['dynamodb:ListStreams']);
    expect(
      allows.flatMap((statement) => [statement.Action].flat()).filter((action) => action.includes('*')),
    ).toEqual([]);
    on.template.resourceCountIs('AWS::IAM::Policy', 0);
    on.template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });

  it('is cdk-nag clean, and each new acknowledgement answers a real finding', () => {
    const { violations } = new AwsSolutionsChecks().validateScope(on.app);
    expect(violations.map((v) => `${v.ruleName} at ${v.violatingResources[0]?.constructPath}`)).toEqual([]);
    // The same pack with acknowledgements ignored: its findings under CurrentStateDelivery are exactly the ones
    // acknowledged there.
    const raw = new AwsSolutionsChecks();
    Object.assign(raw, { isAcknowledged: () => false });
    const findings = raw
      .validateScope(on.app)
      .violations.flatMap((violation) =>
        violation.violatingResources.map((resource) => `${violation.ruleName} @ ${resource.constructPath}`),
      )
      .filter((finding) => finding.includes('/CurrentState'))
      .map((finding) => finding.replace(/\/Resource$/, ''));
    const acknowledged = on.app.node
      .findAll()
      .filter((construct) => construct.node.path.includes('/CurrentState'))
      .flatMap((construct) =>
        construct.node.metadata
          .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((entry) =>
            Object.entries(entry.data as Record<string, string>).map(([id, reason]) => {
              expect(reason.length).toBeGreaterThan(60);
              return `${id.replace(/^annotation::/i, '')} @ ${construct.node.path}`;
            }),
          ),
      );
    expect(findings.sort()).toEqual(acknowledged.sort());
    expect(acknowledged.map((entry) => entry.replace(/ @ .*/, '')).sort()).toEqual([
      expect.stringMatching(
        /^AwsSolutions-IAM5\[Resource::<LakeBucket[0-9A-F]{8}\.Arn>\/current_orders_state\/\*\]$/,
      ),
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<LakeBucket[0-9A-F]{8}\.Arn>\/errors\/\*\]$/),
      'AwsSolutions-KDF1',
    ]);
  });
});
