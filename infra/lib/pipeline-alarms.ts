import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
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
    this.alarms = [
      new Alarm(this, 'CaptureFailing', {
        alarmDescription:
          'The pipe failed executions (DynamoDB stream to Kinesis): changes are being retried.',
        metric: pipeMetric('ExecutionFailed'),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'CaptureGaveUp', {
        alarmDescription:
          'The pipe gave up on a batch (retries or record age exhausted): its shard and sequence range are in ' +
          'the dead-letter queue; replay it from the table stream (24 h) or a point-in-time restore.',
        metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: Stats.MAXIMUM,
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'LakeStale', {
        alarmDescription:
          'The oldest record not yet in the lake is older than the buffering allows (Firehose DataFreshness).',
        metric: firehose.metric('DeliveryToS3.DataFreshness', {
          period: Duration.minutes(5),
          statistic: Stats.MAXIMUM,
        }),
        threshold: (props.maxDataFreshness ?? Duration.minutes(15)).toSeconds(),
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'DeliveryBehindKinesis', {
        alarmDescription:
          'Firehose reads the Kinesis stream far behind its newest record (KinesisMillisBehindLatest).',
        metric: firehose.metric('KinesisMillisBehindLatest', {
          period: Duration.minutes(5),
          statistic: Stats.MAXIMUM,
        }),
        threshold: (props.maxKinesisLag ?? Duration.minutes(5)).toMilliseconds(),
        evaluationPeriods: 2,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ];
  }
}
