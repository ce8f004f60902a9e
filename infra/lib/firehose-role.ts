import { type Stack, Validations } from 'aws-cdk-lib';
import { type PolicyStatement, type PrincipalBase, type Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { allow } from './allow.ts';
import { ERRORS_PREFIX } from './lake-layout.ts';
import { nagArn } from './nag-finding.ts';

/**
 * Who may assume a delivery stream's role: Firehose, for this delivery stream of this account only (the
 * confused-deputy guard). The ARN is built from the stream's name, not read from the stream, which depends on
 * the role.
 */
export function firehosePrincipal(stack: Stack, deliveryStreamArn: string): PrincipalBase {
  return new ServicePrincipal('firehose.amazonaws.com').withConditions({
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': deliveryStreamArn },
  });
}

/** What every delivery stream of the stack does first: read its Kinesis stream, invoke its transform. */
export function readAndTransform(streamArn: string, functionArn: string): PolicyStatement[] {
  return [
    allow(
      ['kinesis:DescribeStream', 'kinesis:GetShardIterator', 'kinesis:GetRecords', 'kinesis:ListShards'],
      [streamArn],
    ),
    allow(['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'], [functionArn]),
  ];
}

/**
 * cdk-nag's finding on a delivery role's grant to write anywhere under a prefix of the lake bucket, answered:
 * Firehose names what it writes there itself. Every delivery stream writes its failures under `errors/`.
 */
export function acknowledgePrefixGrant(role: Role, bucket: IBucket, prefix: string, reason: string): void {
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${nagArn(bucket)}/${prefix}*]`,
    reason,
  });
}

/** The grant to write failed records under `errors/`, which every delivery stream has. */
export function acknowledgeErrorsGrant(role: Role, bucket: IBucket): void {
  acknowledgePrefixGrant(
    role,
    bucket,
    ERRORS_PREFIX,
    'Failed records are written under errors/<type>/<date>/ with generated names; the grant is limited to that prefix.',
  );
}
