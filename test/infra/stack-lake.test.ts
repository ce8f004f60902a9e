import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_OUTPUT_KEYS } from '../../src/aws/stack-output-keys.ts';
import { currentOrdersAsOfParameter } from '../../src/catalog/current-orders-sql.ts';
import { namedQueries, namedQuerySql } from '../../src/catalog/named-queries.ts';
import { ORDERS_CDC_COLUMNS, ORDERS_CDC_PARTITION } from '../../src/catalog/orders-cdc-columns.ts';
import { logicalId, type SynthesizedStack, synthStack } from './synth-stack.ts';

/**
 * Where the data lands and how it is read: the buckets, the Glue table, Athena, the outputs, and what
 * `cdk destroy` leaves behind.
 */
let synthesized: SynthesizedStack;
beforeAll(() => {
  synthesized = synthStack({}, { bundle: false });
});
afterAll(() => synthesized.dispose());

describe('the lake bucket', () => {
  it('blocks public access, encrypts, versions, logs access and expires failed records', () => {
    const { template } = synthesized;
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: logicalId(template, 'AWS::S3::Bucket', 'LakeAccessLogs') },
        LogFilePrefix: 'lake/',
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Id: 'expire-failed-records',
            Prefix: 'errors/',
            ExpirationInDays: 90,
            Status: 'Enabled',
          }),
          Match.objectLike({
            Id: 'expire-source-backup',
            Prefix: 'source-backup/',
            ExpirationInDays: 30,
            Status: 'Enabled',
          }),
          Match.objectLike({
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          }),
        ]),
      },
    });
  });

  it('denies every request without TLS 1.2+, on each of the three buckets', () => {
    const policies = Object.values(synthesized.template.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(3);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          expect.objectContaining({
            Effect: 'Deny',
            Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
          }),
        ]),
      );
    }
  });
});

describe('the Glue table orders_cdc', () => {
  it('has exactly the columns, types and comments of the single table definition, partitioned by dt', () => {
    const tables = Object.values(synthesized.template.findResources('AWS::Glue::Table'));
    expect(tables).toHaveLength(1);
    const input = tables[0]?.Properties.TableInput;
    expect(input.Name).toBe('orders_cdc');
    expect(input.StorageDescriptor.Columns).toEqual(
      ORDERS_CDC_COLUMNS.map(({ name, type, comment }) => ({ Name: name, Type: type, Comment: comment })),
    );
    expect(input.PartitionKeys).toEqual([
      {
        Name: ORDERS_CDC_PARTITION.name,
        Type: ORDERS_CDC_PARTITION.type,
        Comment: ORDERS_CDC_PARTITION.comment,
      },
    ]);
  });

  it('is Parquet at s3://<lake>/orders_cdc/ with dt projected day by day since 2025-01-01', () => {
    const bucket = { Ref: logicalId(synthesized.template, 'AWS::S3::Bucket', 'LakeBucket') };
    synthesized.template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: {
        TableType: 'EXTERNAL_TABLE',
        Parameters: {
          classification: 'parquet',
          has_encrypted_data: false,
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': '2025-01-01,NOW',
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          // Athena's placeholder, not JavaScript's: Athena fills in each projected dt.
          'storage.location.template': { 'Fn::Join': ['', ['s3://', bucket, `/orders_cdc/dt=$\{dt}/`]] },
        },
        StorageDescriptor: Match.objectLike({
          Location: { 'Fn::Join': ['', ['s3://', bucket, '/orders_cdc/']] },
          InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        }),
      },
    });
    synthesized.template.hasResourceProperties('AWS::Glue::Database', {
      DatabaseInput: Match.objectLike({ Name: 'gadget_sales_cdc' }),
    });
  });

  it('deploys no crawler unless asked', () => {
    synthesized.template.resourceCountIs('AWS::Glue::Crawler', 0);
  });
});

describe('Athena', () => {
  it('enforces the workgroup result location, encrypted, in its own bucket', () => {
    const results = { Ref: logicalId(synthesized.template, 'AWS::S3::Bucket', 'AthenaResults') };
    synthesized.template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'gadget-sales-cdc',
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', results, '/']] },
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
        },
      }),
    });
  });

  it('saves every named .sql query under its name, plus the one that creates current_orders', () => {
    const queries = Object.values(synthesized.template.findResources('AWS::Athena::NamedQuery')).map(
      (query) => query.Properties,
    );
    const byName = new Map(queries.map((query) => [query.Name, query]));
    expect([...byName.keys()].sort()).toEqual(
      [...namedQueries(), 'create_current_orders_view', 'current_orders_as_of'].sort(),
    );
    expect(byName.get('current_orders_as_of')?.QueryString).toBe(currentOrdersAsOfParameter());
    for (const name of namedQueries()) expect(byName.get(name)?.QueryString).toBe(namedQuerySql(name));
    const view = byName.get('create_current_orders_view')?.QueryString as string;
    expect(view.startsWith('CREATE OR REPLACE VIEW current_orders AS\n')).toBe(true);
    expect(view).toContain(namedQuerySql('current_orders').trim());
    const workGroup = { Ref: logicalId(synthesized.template, 'AWS::Athena::WorkGroup', 'AthenaWorkGroup') };
    const database = { Ref: logicalId(synthesized.template, 'AWS::Glue::Database', 'CatalogDatabase') };
    for (const query of queries) expect(query).toMatchObject({ WorkGroup: workGroup, Database: database });
  });
});

describe('stack outputs', () => {
  it('publishes every name the CLI reads, under its stable key', () => {
    const outputs = synthesized.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    // All but CurrentStateTableName, which only a stack with -c currentState=iceberg has.
    const always = Object.values(STACK_OUTPUT_KEYS).filter(
      (key) => key !== STACK_OUTPUT_KEYS.currentStateTableName,
    );
    expect(Object.keys(outputs).sort()).toEqual(always.sort());
    const { template } = synthesized;
    expect(outputs.TableName?.Value).toEqual({
      Ref: logicalId(template, 'AWS::DynamoDB::GlobalTable', 'OrdersTable'),
    });
    expect(outputs.StreamName?.Value).toEqual({
      Ref: logicalId(template, 'AWS::Kinesis::Stream', 'ChangesStream'),
    });
    expect(outputs.BucketName?.Value).toEqual({ Ref: logicalId(template, 'AWS::S3::Bucket', 'LakeBucket') });
    expect(outputs.WorkGroupName?.Value).toEqual({
      Ref: logicalId(template, 'AWS::Athena::WorkGroup', 'AthenaWorkGroup'),
    });
    expect(outputs.DatabaseName?.Value).toEqual({
      Ref: logicalId(template, 'AWS::Glue::Database', 'CatalogDatabase'),
    });
  });
});

describe('cdk destroy', () => {
  it('keeps the data only: the orders table and the three buckets; the stream and the database go', () => {
    const resources = Object.entries(synthesized.template.toJSON().Resources as Record<string, Resource>);
    const retained = resources
      .filter(([, resource]) => resource.DeletionPolicy === 'Retain')
      .map(([id, resource]) => `${resource.Type} ${id.replace(/[0-9A-F]{8}$/, '')}`);
    expect(retained.sort()).toEqual([
      'AWS::DynamoDB::GlobalTable OrdersTable',
      'AWS::S3::Bucket AthenaResults',
      'AWS::S3::Bucket LakeAccessLogs',
      'AWS::S3::Bucket LakeBucket',
    ]);
    for (const type of ['AWS::Kinesis::Stream', 'AWS::Glue::Database', 'AWS::Logs::LogStream'])
      for (const resource of Object.values(synthesized.template.findResources(type)))
        expect(resource).toMatchObject({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });
});

interface Resource {
  readonly Type: string;
  readonly DeletionPolicy?: string;
}
