import { Duration } from 'aws-cdk-lib';
import { type Alarm, type CfnAlarm, Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  PROOF_METRIC_DIMENSION,
  PROOF_METRIC_NAMESPACE,
  PROOF_METRICS,
  type ProofMetric,
} from '../../src/observe/proof-config.ts';
import { alarmFactory } from './alarm-factory.ts';
import type { ProofFunction } from './proof-function.ts';

/** Put before each symptom in the alarm names: `<alarmNamePrefix>-Proof<Symptom>`. */
const PROOF_ALARM_PREFIX = 'Proof';

export interface ProofAlarmsProps {
  /** The alarm topic's prefix: every alarm is named `<prefix>-Proof<symptom>`. */
  readonly alarmNamePrefix: string;
  readonly proof: ProofFunction;
  /** The orders table's name: the one dimension of the proof's metrics. */
  readonly tableName: string;
  /** The schedule's interval: every alarm looks at periods of one interval (one run each). */
  readonly intervalMinutes: number;
  /** Every alarm notifies this topic when it goes into ALARM and when it is back to OK. */
  readonly topic: ITopic;
}

/**
 * What the standing proof tells an operator (`-c proof=true`), one alarm per symptom, made by the stack's alarm
 * factory (infra/lib/alarm-factory.ts) and so named, acted on and quiet without data like the pipeline's:
 *
 * - The invariant: orders lost, unexpected or different in current_orders against a full scan of the table.
 * - Freshness: a heartbeat marker took the whole heartbeat timeout (the stack's freshness threshold, or as much of
 *   it as a run can watch) or more to be queryable, or was not seen at all. This also watches the pipe, which
 *   publishes no iterator age.
 * - The proof itself: its function failed (Errors), or no verdict for two intervals running (the schedule stopped,
 *   its role broke, every run failed) — the one alarm that treats missing data as breaching.
 *
 * Each period is one schedule interval, so a period holds one run's values and an alarm stays in ALARM until a run
 * finds the symptom gone.
 */
export class ProofAlarms extends Construct {
  readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: ProofAlarmsProps) {
    super(scope, id);
    const period = Duration.minutes(props.intervalMinutes);
    const proofMetric = (metricName: ProofMetric, statistic: string = Stats.MAXIMUM) =>
      new Metric({
        namespace: PROOF_METRIC_NAMESPACE,
        metricName,
        dimensionsMap: { [PROOF_METRIC_DIMENSION]: props.tableName },
        period,
        statistic,
      });
    const alarm = alarmFactory(this, {
      alarmNamePrefix: props.alarmNamePrefix,
      symptomPrefix: PROOF_ALARM_PREFIX,
      topic: props.topic,
    });
    const { proof } = props;
    const timeout = proof.heartbeatTimeout.toSeconds();
    this.alarms = [
      alarm(
        'LostOrders',
        'Orders in the DynamoDB table that current_orders lacked, still after the settle time: the proof function log ' +
          'names the first ones with their items.',
        proofMetric(PROOF_METRICS.lostOrders),
        0,
      ),
      alarm(
        'UnexpectedOrders',
        'Orders in current_orders that the DynamoDB table does not have (deleted in the table, still standing in the ' +
          'lake): the proof function log names the first ones.',
        proofMetric(PROOF_METRICS.unexpectedOrders),
        0,
      ),
      alarm(
        'DifferentOrders',
        'Orders whose item in current_orders differs from the table, still after the settle time and unchanged in the ' +
          'table meanwhile: the proof function log shows both.',
        proofMetric(PROOF_METRICS.differentOrders),
        0,
      ),
      alarm(
        'Stale',
        `A heartbeat marker took ${timeout} s or more from its DynamoDB write to an Athena query that returned it, ` +
          'or was not seen in that time: changes are late end to end (pipe, Kinesis, Firehose or the lake).',
        proofMetric(PROOF_METRICS.freshnessSeconds),
        timeout,
        { breach: 'atLeast' },
      ),
      alarm(
        'MarkersNotSeen',
        `Heartbeat markers not in the lake within ${timeout} s of their write: a change was lost or is very late.`,
        proofMetric(PROOF_METRICS.markersNotSeen),
        0,
      ),
      alarm(
        'Errors',
        'The proof function failed (Lambda Errors): its check or its heartbeat could not finish, or its ' +
          'environment is wrong; its log says why. What it could measure was still published.',
        proof.function.metricErrors({ period, statistic: Stats.SUM }),
        0,
      ),
    ];
    const notRun = alarm(
      'NotRun',
      `No proof verdict (${PROOF_METRICS.lostOrders}) for two schedule intervals running: the schedule is off or ` +
        'cannot invoke the function, or every run failed (see ProofErrors and the function logs).',
      proofMetric(PROOF_METRICS.lostOrders, Stats.SAMPLE_COUNT),
      1,
      { breach: 'below', evaluationPeriods: 2 },
    );
    // The factory's alarms stay quiet without data; here missing data is the symptom.
    (notRun.node.defaultChild as CfnAlarm).treatMissingData = TreatMissingData.BREACHING;
    this.alarms.push(notRun);
  }
}
