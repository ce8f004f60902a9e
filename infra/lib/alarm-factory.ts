import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/** Firehose publishes every five minutes, so every alarm of the stack looks at five-minute periods. */
export const ALARM_PERIOD = Duration.minutes(5);

/** How an alarm reads its metric: above the threshold (the default), at least it, or below it. */
export type Breach = 'above' | 'atLeast' | 'below';
export const COMPARISON: Record<Breach, ComparisonOperator> = {
  above: ComparisonOperator.GREATER_THAN_THRESHOLD,
  atLeast: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  below: ComparisonOperator.LESS_THAN_THRESHOLD,
};

/**
 * When a Firehose stream reading the Kinesis stream is late. One set for the stack: the current state's stream
 * is alarmed on the thresholds of the lake's (`PipelineAlarms.thresholds`), so both paths are held to the same.
 */
export interface DeliveryThresholds {
  /**
   * The destination is stale when its oldest undelivered record is older than this (Firehose's DataFreshness).
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

/** The thresholds with their defaults filled in. */
export function deliveryThresholds(thresholds: DeliveryThresholds): Required<DeliveryThresholds> {
  return {
    maxDataFreshness: thresholds.maxDataFreshness ?? Duration.minutes(15),
    maxKinesisLag: thresholds.maxKinesisLag ?? Duration.minutes(5),
  };
}

export interface AlarmFactoryProps {
  /** The alarm topic's prefix: only alarms named `<alarmNamePrefix>-…` may publish to it. */
  readonly alarmNamePrefix: string;
  /** Put before each symptom in the alarm's name, not in its construct id. @default none */
  readonly symptomPrefix?: string;
  /** Every alarm notifies this topic when it goes into ALARM and when it is back to OK. */
  readonly topic: ITopic;
}

export interface SymptomAlarmOptions {
  /** @default 'above' */
  readonly breach?: Breach;
  /** @default 1, the first breaching period */
  readonly evaluationPeriods?: number;
}

/** Makes one alarm for one symptom: its construct id is the symptom. */
export type SymptomAlarm = (
  symptom: string,
  alarmDescription: string,
  metric: IMetric,
  threshold: number,
  options?: SymptomAlarmOptions,
) => Alarm;

/**
 * The one way the stack's alarms are made, so that they all behave alike: named
 * `<alarmNamePrefix>-<symptomPrefix><symptom>` (the topic policy lets only those publish), firing on the first
 * breaching period unless told otherwise, quiet without data (no traffic is not an outage), and notifying the
 * topic into ALARM and back to OK. The alarms are created in `scope`, one per symptom.
 */
export function alarmFactory(scope: Construct, props: AlarmFactoryProps): SymptomAlarm {
  const action = new SnsAction(props.topic);
  return (symptom, alarmDescription, metric, threshold, options = {}) => {
    const created = new Alarm(scope, symptom, {
      alarmName: `${props.alarmNamePrefix}-${props.symptomPrefix ?? ''}${symptom}`,
      alarmDescription,
      metric,
      threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      comparisonOperator: COMPARISON[options.breach ?? 'above'],
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    created.addAlarmAction(action);
    created.addOkAction(action);
    return created;
  };
}
