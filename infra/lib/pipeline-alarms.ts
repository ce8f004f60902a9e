import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { DeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface PipelineAlarmsProps {
  readonly pipeName: string;
  readonly deadLetterQueue: IQueue;
  readonly deliveryStream: DeliveryStream;
  /**
   * The lake is stale when its oldest undelivered record is older than this (Firehose's DataFreshness).
   * AWS recommends alarming past the buffering limit, 15 minutes.
   * @default Duration.minutes(15)
   */
  readonly maxDataFreshness?: Duration;
  /**
   * Firehose is behind when the last record it read is this far behind the newest one in Kinesis.
   * @default Duration.minutes(5)
   */
  readonly maxKinesisLag?: Duration;
}

/**
 * What tells an operator the pipeline is behind or dropping work, one alarm per symptom, each named after
 * its stage. Pipes publishes no iterator age, so capture is watched through its failures and its dead-letter
 * queue (a batch given up on); delivery through Firehose's freshness and its lag behind Kinesis. The alarms
 * have no actions: subscribe a topic to them (or look at the console) as your operations require.
 */
export class PipelineAlarms extends Construct {
  readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const pipeMetric = (metricName: string) =>
      new Metric({
        namespace: 'AWS/EventBridge/Pipes',
        metricName,
        dimensionsMap: { PipeName: props.pipeName },
        statistic: Stats.SUM,
        period: Duration.minutes(5),
      });
    const firehose = props.deliveryStream;
    const maximum = { period: Duration.minutes(5), statistic: Stats.MAXIMUM };
    // Every alarm fires on its first breaching period (unless said otherwise) and stays quiet without data.
    const alarm = (
      alarmId: string,
      alarmDescription: string,
      metric: IMetric,
      threshold: number,
      options: { atLeast?: boolean; evaluationPeriods?: number } = {},
    ) =>
      new Alarm(this, alarmId, {
        alarmDescription,
        metric,
        threshold,
        evaluationPeriods: options.evaluationPeriods ?? 1,
        comparisonOperator: options.atLeast
          ? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
          : ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    this.alarms = [
      alarm(
        'CaptureFailing',
        'The pipe failed executions (DynamoDB stream to Kinesis): changes are being retried.',
        pipeMetric('ExecutionFailed'),
        1,
        { atLeast: true },
      ),
      alarm(
        'CaptureGaveUp',
        'The pipe gave up on a batch (retries or record age exhausted): its shard and sequence range are in ' +
          'the dead-letter queue; replay it from the table stream (24 h) or a point-in-time restore.',
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible(maximum),
        1,
        { atLeast: true },
      ),
      alarm(
        'LakeStale',
        'The oldest record not yet in the lake is older than the buffering allows (Firehose DataFreshness).',
        firehose.metric('DeliveryToS3.DataFreshness', maximum),
        (props.maxDataFreshness ?? Duration.minutes(15)).toSeconds(),
      ),
      alarm(
        'DeliveryBehindKinesis',
        'Firehose reads the Kinesis stream far behind its newest record (KinesisMillisBehindLatest).',
        firehose.metric('KinesisMillisBehindLatest', maximum),
        (props.maxKinesisLag ?? Duration.minutes(5)).toMilliseconds(),
        { evaluationPeriods: 2 },
      ),
    ];
  }
}
