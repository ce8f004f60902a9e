import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  grantsOf,
  iamStatements,
  renderExpression,
  type SynthesizedStack,
  synthStack,
} from './synth-stack.ts';

/**
 * Least privilege, proven on the template: each role may do exactly what its stage needs on exactly its
 * resources; no managed policy, no `*FullAccess`; cdk-nag's AwsSolutions pack finds nothing unacknowledged,
 * and every acknowledgement is justified and still answers a real finding.
 */
let synthesized: SynthesizedStack;
beforeAll(() => {
  // With the nag pack registered as in infra/bin/app.ts: an unacknowledged finding fails this synth.
  synthesized = synthStack({}, { nag: true, bundle: false });
});
afterAll(() => synthesized.dispose());

/** A role's grants as `action → resources`; every statement of the stack's roles is an Allow. */
function permissionsOf(rolePrefix: string): Record<string, string[]> {
  for (const { owner, statement } of iamStatements(synthesized.template))
    if (owner.startsWith(rolePrefix)) expect(statement.Effect).toBe('Allow');
  return grantsOf(synthesized.template, rolePrefix);
}

const glue = 'arn:{AWS::Partition}:glue:{AWS::Region}:{AWS::AccountId}';

describe('IAM: every statement scoped to its resource', () => {
  it('lets the pipe read only the table stream, write only the Kinesis stream, its DLQ and its logs', () => {
    const stream = ['{OrdersTable.StreamArn}'];
    expect(permissionsOf('CaptureRole')).toEqual({
      'dynamodb:DescribeStream': stream,
      'dynamodb:GetRecords': stream,
      'dynamodb:GetShardIterator': stream,
      'dynamodb:ListStreams': ['*'],
      'kinesis:PutRecord': ['{ChangesStream.Arn}'],
      'kinesis:PutRecords': ['{ChangesStream.Arn}'],
      'sqs:SendMessage': ['{CaptureDeadLetterQueue.Arn}'],
      'logs:CreateLogStream': ['{CaptureLogs.Arn}'],
      'logs:PutLogEvents': ['{CaptureLogs.Arn}'],
    });
  });

  it('lets Firehose read only its stream, invoke only the transform, read only the table, write only its prefixes', () => {
    const stream = ['{ChangesStream.Arn}'];
    const table = [
      `${glue}:catalog`,
      `${glue}:database/{CatalogDatabase}`,
      `${glue}:table/{CatalogDatabase}/{CatalogOrdersCdcTable}`,
    ];
    const objects = ['{LakeBucket.Arn}/errors/*', '{LakeBucket.Arn}/orders_cdc/*'];
    expect(permissionsOf('DeliveryRole')).toEqual({
      'kinesis:DescribeStream': stream,
      'kinesis:GetShardIterator': stream,
      'kinesis:GetRecords': stream,
      'kinesis:ListShards': stream,
      'lambda:InvokeFunction': ['{TransformFunction.Arn}'],
      'lambda:GetFunctionConfiguration': ['{TransformFunction.Arn}'],
      'glue:GetTable': table,
      'glue:GetTableVersion': table,
      'glue:GetTableVersions': table,
      's3:GetBucketLocation': ['{LakeBucket.Arn}'],
      's3:ListBucket': ['{LakeBucket.Arn}'],
      's3:ListBucketMultipartUploads': ['{LakeBucket.Arn}'],
      's3:PutObject': objects,
      's3:GetObject': objects,
      's3:AbortMultipartUpload': objects,
      'logs:PutLogEvents': ['{DeliveryLogs.Arn}'],
    });
  });

  it('lets the transform write only its own logs', () => {
    expect(permissionsOf('TransformRole')).toEqual({
      'logs:CreateLogStream': ['{TransformLogs.Arn}'],
      'logs:PutLogEvents': ['{TransformLogs.Arn}'],
    });
  });

  it('has no other policy: three roles, inline policies only, each assumed by its one service', () => {
    const { template } = synthesized;
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    const roles = Object.entries(template.findResources('AWS::IAM::Role'));
    const trust = Object.fromEntries(
      roles.map(([id, role]) => {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
        const [statement, ...others] = role.Properties.AssumeRolePolicyDocument.Statement;
        expect(others).toEqual([]);
        return [renderExpression({ Ref: id }), [statement.Principal.Service, statement.Condition]];
      }),
    );
    expect(trust).toEqual({
      '{CaptureRole}': [
        'pipes.amazonaws.com',
        { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      ],
      // Only this delivery stream of this account (the confused-deputy guard, as the pipe's).
      '{DeliveryRole}': [
        'firehose.amazonaws.com',
        {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: {
            'aws:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':firehose:',
                  { Ref: 'AWS::Region' },
                  ':',
                  { Ref: 'AWS::AccountId' },
                  ':deliverystream/orders-cdc',
                ],
              ],
            },
          },
        },
      ],
      '{TransformRole}': ['lambda.amazonaws.com', undefined],
    });
  });

  it('allows Resource "*" nowhere but dynamodb:ListStreams, and no action wildcards', () => {
    const documents = JSON.stringify(synthesized.template.toJSON().Resources);
    const allows = iamStatements(synthesized.template).map(({ statement }) => statement);
    for (const type of ['AWS::S3::BucketPolicy', 'AWS::SQS::QueuePolicy', 'AWS::SNS::TopicPolicy'])
      for (const policy of Object.values(synthesized.template.findResources(type)))
        allows.push(...policy.Properties.PolicyDocument.Statement);
    const unscoped = allows.filter(
      (statement) => statement.Effect === 'Allow' && [statement.Resource].flat().includes('*'),
    );
    expect(unscoped.map((statement) => statement.Action)).toEqual(['dynamodb:ListStreams']);
    const wildcardActions = allows
      .filter((statement) => statement.Effect === 'Allow')
      .flatMap((statement) => [statement.Action].flat())
      .filter((action) => action.includes('*'));
    expect(wildcardActions).toEqual([]);
    expect(documents).not.toMatch(/FullAccess/i);
    expect(documents).not.toMatch(/arn:aws:iam::aws:policy/);
  });
});

describe('cdk-nag AwsSolutions', () => {
  /** Every acknowledgement in the construct tree: its rule id and its written reason. */
  function acknowledgements(): { path: string; id: string; reason: string }[] {
    return synthesized.app.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
            path: construct.node.path,
            id: id.replace(/^annotation::/i, ''),
            reason,
          })),
        ),
    );
  }

  it('reports no unacknowledged error and no unacknowledged warning', () => {
    const { violations } = new AwsSolutionsChecks().validateScope(synthesized.app);
    const summary = (severity: string) =>
      violations
        .filter((v) => v.severity === severity)
        .map((v) => `${v.ruleName} at ${v.violatingResources[0]?.constructPath}`);
    expect(summary('error')).toEqual([]);
    expect(summary('warning')).toEqual([]);
  });

  it('justifies every acknowledgement, and each one still answers a real finding', () => {
    const acknowledged = acknowledgements();
    for (const { reason } of acknowledged) expect(reason.length).toBeGreaterThan(60);
    // The same pack with acknowledgements ignored: what it finds is what was acknowledged, no more, no less.
    const raw = new AwsSolutionsChecks();
    Object.assign(raw, { isAcknowledged: () => false });
    const findings = raw
      .validateScope(synthesized.app)
      .violations.flatMap((violation) =>
        violation.violatingResources.map((resource) => `${violation.ruleName} @ ${resource.constructPath}`),
      );
    const nag = acknowledged.filter(({ id }) => id.startsWith('AwsSolutions-'));
    expect(findings.map((finding) => finding.replace(/\/(Resource|Pipe)$/, '')).sort()).toEqual(
      nag.map(({ id, path }) => `${id} @ ${path}`).sort(),
    );
    expect(nag.map(({ id }) => id).sort()).toEqual([
      'AwsSolutions-IAM5[Resource::*]',
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<LakeBucket[0-9A-F]{8}\.Arn>\/errors\/\*\]$/),
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<LakeBucket[0-9A-F]{8}\.Arn>\/orders_cdc\/\*\]$/),
      'AwsSolutions-KDF1',
      'AwsSolutions-SQS3',
    ]);
  });
});
