import type { Stack } from 'aws-cdk-lib';
import { type PolicyStatement, type PrincipalBase, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { allow } from './allow.ts';

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
