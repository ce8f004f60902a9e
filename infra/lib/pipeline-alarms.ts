import { type Alarm, Metric, Stats } from 'aws-cdk-lib/aws-cloudwatch';
import type { DeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { errorTypePrefix } from '../../src/catalog/lake-layout.ts';
import { ALARM_PERIOD, alarmFactory, type DeliveryThresholds, deliveryThresholds } from './alarm-factory.ts';
import type { TransformFunction } from './transform-function.ts';

export interface PipelineAlarmsProps extends DeliveryThresholds {
  /** Every alarm is named `<prefix>-<symptom>` (the alarm topic lets only those publish). */
  readonly alarmNamePrefix: string;
  readonly pipeName: string;
  readonly deadLetterQueue: IQueue;
  readonly deliveryStream: DeliveryStream;
  /** The transform Lambda, with the metrics its log line feeds. */
  readonly transform: TransformFunction;
  /** Every alarm notifies this topic when it goes into ALARM and when it is back to OK. */
  readonly topic: ITopic;
  /** Firehose backs the source records up to S3 (`-c sourceBackup=true`): watch that delivery too. */
  readonly sourceBackup?: boolean;
}

/**
 * What tells an operator the pipeline is behind, dropping work or writing doubtful rows, one alarm per symptom,
 * each named after its stage, all notifying the alarm topic (into ALARM and back to OK).
 *
 * - Capture: Pipes publishes no iterator age, so the pipe is watched through its failed and partially failed
 *   executions and its dead-letter queue (a batch given up on).
 * - Transform: failed invocations (Firehose's ExecuteProcessing.Success, and Lambda's Errors and Throttles),
 *   records it marked ProcessingFailed (from its log line): either way the records go to errors/.
 * - Conversion: rows Firehose could not convert to Parquet (FailedConversion.Records), also under errors/.
 * - Delivery: Firehose's freshness and its lag behind Kinesis; the source backup's freshness when there is one.
 * - Data quality, not an outage: changes with a value a column cannot hold (NULL in the row, exact in image_json).
 *
 * Firehose publishes every five minutes, so every alarm looks at five-minute periods. No data means no alarm.
 */
export class PipelineAlarms extends Construct {
  readonly alarms: Alarm[];
  /** The delivery thresholds the lake's alarms use, defaults filled in: the current state's alarms reuse them. */
  readonly thresholds: Required<DeliveryThresholds>;

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const period = ALARM_PERIOD;
    const sum = { period, statistic: Stats.SUM };
    const maximum = { period, statistic: Stats.MAXIMUM };
    const pipeMetric = (metricName: string) =>
      new Metric({
        namespace: 'AWS/EventBridge/Pipes',
        metricName,
        dimensionsMap: { PipeName: props.pipeName },
        ...sum,
      });
    const firehose = props.deliveryStream;
    const transform = props.transform;
    const alarm = alarmFactory(this, { alarmNamePrefix: props.alarmNamePrefix, topic: props.topic });
    this.thresholds = deliveryThresholds(props);
    const freshness = this.thresholds.maxDataFreshness.toSeconds();
    this.alarms = [
      alarm(
        'CaptureFailing',
        'The pipe failed executions (DynamoDB stream to Kinesis): changes are being retried.',
        pipeMetric('ExecutionFailed'),
        1,
        { breach: 'atLeast' },
      ),
      alarm(
        'CapturePartiallyFailing',
        'Pipe executions partly failed: some records of a batch were not put on Kinesis and are retried.',
        pipeMetric('ExecutionPartiallyFailed'),
        1,
        { breach: 'atLeast' },
      ),
      alarm(
        'CaptureGaveUp',
        'The pipe gave up on a batch (retries or record age exhausted): its shard and sequence range are in ' +
          'the dead-letter queue; replay it from the table stream (24 h) or a point-in-time restore.',
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible(maximum),
        1,
        { breach: 'atLeast' },
      ),
      alarm(
        'TransformInvocationsFailing',
        'Firehose invocations of the transform failed (ExecuteProcessing.Success below 1): after its retries ' +
          'the whole batch goes to errors/processing-failed/.',
        firehose.metric('ExecuteProcessing.Success', { period, statistic: Stats.MINIMUM }),
        1,
        { breach: 'below' },
      ),
      alarm(
        'TransformErrors',
        'The transform Lambda returned errors (Lambda Errors).',
        transform.function.metricErrors(sum),
        0,
      ),
      alarm(
        'TransformThrottled',
        'Invocations of the transform Lambda were throttled (Lambda Throttles).',
        transform.function.metricThrottles(sum),
        0,
      ),
      alarm(
        'TransformRecordsFailed',
        'The transform marked records ProcessingFailed (from its log line): their raw bytes and reason are ' +
          `under ${errorTypePrefix('processing-failed')}.`,
        transform.metricProcessingFailedRecords({ period }),
        0,
      ),
      alarm(
        'ConversionFailed',
        'Firehose could not convert rows to Parquet (FailedConversion.Records): they are under ' +
          `${errorTypePrefix('format-conversion-failed')}.`,
        firehose.metric('FailedConversion.Records', sum),
        0,
      ),
      alarm(
        'LakeStale',
        'The oldest record not yet in the lake is older than the buffering allows (Firehose DataFreshness).',
        firehose.metric('DeliveryToS3.DataFreshness', maximum),
        freshness,
      ),
      alarm(
        'DeliveryBehindKinesis',
        'Firehose reads the Kinesis stream far behind its newest record (KinesisMillisBehindLatest).',
        firehose.metric('KinesisMillisBehindLatest', maximum),
        this.thresholds.maxKinesisLag.toMilliseconds(),
        { evaluationPeriods: 2 },
      ),
      alarm(
        'UnrepresentableValues',
        'Data quality, not an outage: changes carried a value a column cannot hold; the row has NULL there and ' +
          'names the column in unrepresentable, the exact value is in image_json.',
        transform.metricUnrepresentableChanges({ period }),
        0,
      ),
    ];
    if (props.sourceBackup)
      this.alarms.push(
        alarm(
          'SourceBackupStale',
          'The oldest record not yet in the source backup is older than the buffering allows ' +
            '(Firehose BackupToS3.DataFreshness).',
          firehose.metric('BackupToS3.DataFreshness', maximum),
          freshness,
        ),
      );
  }
}
