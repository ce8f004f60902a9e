import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyDocument, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { partitionKeyReader } from '../../src/pipe/partition-key.ts';
import { PIPE_DEFAULTS } from '../../src/pipe/pipe-config.ts';
import { allow } from './allow.ts';

export interface CapturePipeProps {
  readonly pipeName: string;
  /** The DynamoDB stream ARN of the orders table. */
  readonly sourceStreamArn: string;
  /** The Kinesis stream every change record is put on, one record each. */
  readonly target: IStream;
  /**
   * Kinesis partition key, a JSON path into the stream record. The order key keeps each order's changes on
   * one shard, in order; `$.eventID` (the original tutorial's) scatters them.
   * @default `$.dynamodb.Keys.orderid.S` (ORDER_KEY_PATH, as the local pipe)
   */
  readonly partitionKeyPath?: string;
  /** @default 'TRIM_HORIZON': nothing written between table and pipe creation is missed */
  readonly startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** Records per batch (≤ 500 toward Kinesis: one PutRecords call). @default 100, as the local pipe */
  readonly batchSize?: number;
  /** How long the pipe may gather a batch. @default Duration.seconds(0): every poll sends what it read */
  readonly maximumBatchingWindow?: Duration;
  /**
   * Retries of a failing batch, halved each time (AUTOMATIC_BISECT) so one bad record cannot hold back the
   * others; a batch still failing after them is recorded in the dead-letter queue.
   * @default 10
   */
  readonly maximumRetryAttempts?: number;
  /**
   * Records older than this are sent to the dead-letter queue instead of being retried: a long outage of
   * Kinesis then leaves a trace in the queue rather than silently hitting the stream's 24 h trim.
   * @default Duration.hours(6)
   */
  readonly maximumRecordAge?: Duration;
}

/**
 * Capture: an EventBridge Pipe (`CfnPipe`; the Pipes L2 is alpha and not installable here) from the table's
 * stream to Kinesis. Its role may read only that stream, write only that Kinesis stream, send only to its
 * dead-letter queue and log only to its log group. The dead-letter queue receives, for DynamoDB streams, the
 * shard and sequence-number range of a batch given up on (not the records): replay them from the stream
 * within its 24 h retention, or from a point-in-time restore of the table.
 */
export class CapturePipe extends Construct {
  readonly pipe: CfnPipe;
  readonly deadLetterQueue: Queue;
  readonly role: Role;
  readonly pipeName: string;

  constructor(scope: Construct, id: string, props: CapturePipeProps) {
    super(scope, id);
    this.pipeName = props.pipeName;
    const batchSize = props.batchSize ?? PIPE_DEFAULTS.batchSize;
    if (batchSize < 1 || batchSize > 500)
      throw new Error(`batchSize must be 1–500 toward Kinesis (one PutRecords call), got ${batchSize}`);
    const partitionKeyPath = props.partitionKeyPath ?? PIPE_DEFAULTS.partitionKeyPath;
    partitionKeyReader(partitionKeyPath); // throws on a path the local pipe could not follow either
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the EventBridge Pipe (DeadLetterConfig), not a queue with consumers that would need one.',
    });
    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/pipes/${props.pipeName}`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new Role(this, 'Role', {
      description: `EventBridge Pipe ${props.pipeName}: the orders table stream to Kinesis, nothing else`,
      // Confused-deputy guard: only pipes of this account may assume the role.
      assumedBy: new ServicePrincipal('pipes.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
      }),
      inlinePolicies: {
        capture: new PolicyDocument({
          statements: [
            allow(
              ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
              [props.sourceStreamArn],
            ),
            // ListStreams has no resource-level permission (Service Authorization Reference: resource "*");
            // it returns stream ARNs only, no data. Pipes lists it among the DynamoDB source's permissions.
            allow(['dynamodb:ListStreams'], ['*']),
            allow(['kinesis:PutRecord', 'kinesis:PutRecords'], [props.target.streamArn]),
            allow(['sqs:SendMessage'], [this.deadLetterQueue.queueArn]),
            allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [logGroup.logGroupArn]),
          ],
        }),
      },
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only dynamodb:ListStreams, which supports no resource-level permissions and returns stream ARNs, not data; every other statement names its one resource.',
    });

    this.pipe = new CfnPipe(this, 'Pipe', {
      name: props.pipeName,
      description: 'Every change of the orders table, as one Kinesis record, keyed by order',
      roleArn: this.role.roleArn,
      source: props.sourceStreamArn,
      sourceParameters: {
        dynamoDbStreamParameters: {
          startingPosition: props.startingPosition ?? PIPE_DEFAULTS.startingPosition,
          batchSize,
          maximumBatchingWindowInSeconds:
            props.maximumBatchingWindow?.toSeconds() ?? Math.ceil(PIPE_DEFAULTS.batchingWindowMs / 1000),
          maximumRetryAttempts: props.maximumRetryAttempts ?? 10,
          maximumRecordAgeInSeconds: (props.maximumRecordAge ?? Duration.hours(6)).toSeconds(),
          onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
          deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
        },
      },
      target: props.target.streamArn,
      targetParameters: {
        kinesisStreamParameters: { partitionKey: partitionKeyPath },
      },
      logConfiguration: {
        level: 'ERROR',
        cloudwatchLogsLogDestination: { logGroupArn: logGroup.logGroupArn },
      },
    });
  }
}
