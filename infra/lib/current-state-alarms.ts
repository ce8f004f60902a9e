import { type Alarm, Metric, type MetricOptions, Stats } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CURRENT_STATE_TABLE_NAME, ERRORS_PREFIX, errorTypePrefix } from '../../src/catalog/lake-layout.ts';
import { ALARM_PERIOD, alarmFactory, type DeliveryThresholds, deliveryThresholds } from './alarm-factory.ts';
import type { CurrentStateDelivery } from './current-state-delivery.ts';

/** Put before each symptom in the alarm names: `<alarmNamePrefix>-CurrentState<Symptom>`. */
const CURRENT_STATE_ALARM_PREFIX = 'CurrentState';

export interface CurrentStateAlarmsProps extends DeliveryThresholds {
  /** The alarm topic's prefix: every alarm is named `<prefix>-CurrentState<symptom>`. */
  readonly alarmNamePrefix: string;
  /** The second delivery stream (an L1 resource, so its metrics are built here) and its companion transform. */
  readonly delivery: CurrentStateDelivery;
  /** Every alarm notifies this topic when it goes into ALARM and when it is back to OK. */
  readonly topic: ITopic;
}

/**
 * What tells an operator that `current_orders_state` is behind or missing changes (`-c currentState=iceberg`),
 * one alarm per symptom, the lake's alarms (infra/lib/pipeline-alarms.ts) for the second stream. Only the stream
 * and its transform differ: the capture stage they share is watched by the lake's alarms already.
 *
 * - Transform: failed invocations of the companion function (Firehose's ExecuteProcessing.Success, Lambda's
 *   Errors and Throttles), records it marked ProcessingFailed (its log line, under its own namespace).
 * - Delivery to the table: rows Firehose could not apply (DeliveryToIceberg.FailedRowCount: they are written
 *   under errors/<error type>/yyyy/MM/dd/HH/ in the lake bucket, the stream's error output prefix, as the lake's
 *   failures), the table's freshness and the stream's lag behind Kinesis, on the lake's thresholds.
 * - Data quality, not an outage: the companion runs the lake's transform, so the same unrepresentable values.
 *
 * Made by the same factory as the lake's (infra/lib/alarm-factory.ts): five-minute periods, no data means no
 * alarm, the alarm topic notified into ALARM and back to OK.
 */
export class CurrentStateAlarms extends Construct {
  readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: CurrentStateAlarmsProps) {
    super(scope, id);
    const period = ALARM_PERIOD;
    const sum = { period, statistic: Stats.SUM };
    const maximum = { period, statistic: Stats.MAXIMUM };
    const { deliveryStream, transform } = props.delivery;
    // As the Firehose L2's metric() builds it: the stream's Ref is its name, and ties the alarm to the stream.
    const firehoseMetric = (metricName: string, options: MetricOptions) =>
      new Metric({
        namespace: 'AWS/Firehose',
        metricName,
        dimensionsMap: { DeliveryStreamName: deliveryStream.ref },
        ...options,
      });
    const alarm = alarmFactory(this, {
      alarmNamePrefix: props.alarmNamePrefix,
      symptomPrefix: CURRENT_STATE_ALARM_PREFIX,
      topic: props.topic,
    });
    const { maxDataFreshness, maxKinesisLag } = deliveryThresholds(props);
    this.alarms = [
      alarm(
        'TransformInvocationsFailing',
        'Firehose invocations of the current-state transform failed (ExecuteProcessing.Success below 1): ' +
          `after its retries the whole batch goes to ${errorTypePrefix('processing-failed')}.`,
        firehoseMetric('ExecuteProcessing.Success', { period, statistic: Stats.MINIMUM }),
        1,
        { breach: 'below' },
      ),
      alarm(
        'TransformErrors',
        'The current-state transform Lambda returned errors (Lambda Errors).',
        transform.function.metricErrors(sum),
        0,
      ),
      alarm(
        'TransformThrottled',
        'Invocations of the current-state transform Lambda were throttled (Lambda Throttles).',
        transform.function.metricThrottles(sum),
        0,
      ),
      alarm(
        'TransformRecordsFailed',
        'The current-state transform marked records ProcessingFailed (from its log line): their raw bytes and ' +
          `reason are under ${errorTypePrefix('processing-failed')}.`,
        transform.metricProcessingFailedRecords({ period }),
        0,
      ),
      alarm(
        'RowsFailed',
        `Firehose could not apply rows to the Iceberg table ${CURRENT_STATE_TABLE_NAME} ` +
          '(DeliveryToIceberg.FailedRowCount): they are under ' +
          `${ERRORS_PREFIX}<error type>/yyyy/MM/dd/HH/ in the lake bucket, and their orders stay stale until ` +
          'they change again.',
        firehoseMetric('DeliveryToIceberg.FailedRowCount', sum),
        0,
      ),
      alarm(
        'Stale',
        `The oldest change not yet in ${CURRENT_STATE_TABLE_NAME} is older than the buffering allows ` +
          '(Firehose DeliveryToIceberg.DataFreshness).',
        firehoseMetric('DeliveryToIceberg.DataFreshness', maximum),
        maxDataFreshness.toSeconds(),
      ),
      alarm(
        'BehindKinesis',
        'The current-state stream reads the Kinesis stream far behind its newest record ' +
          '(KinesisMillisBehindLatest).',
        firehoseMetric('KinesisMillisBehindLatest', maximum),
        maxKinesisLag.toMilliseconds(),
        { evaluationPeriods: 2 },
      ),
      alarm(
        'UnrepresentableValues',
        `Data quality, not an outage: changes carried a value a column of ${CURRENT_STATE_TABLE_NAME} cannot ` +
          'hold; the row has NULL there and names the column in unrepresentable, the exact value is in image_json.',
        transform.metricUnrepresentableChanges({ period }),
        0,
      ),
    ];
  }
}
