import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logicalId, type SynthesizedStack, synthStack } from './synth-stack.ts';

/**
 * `-c currentState=iceberg` adds alarms for its own delivery stream and companion transform
 * (infra/lib/current-state-alarms.ts), named `<stack name>-CurrentState<symptom>`, to the same alarm topic, on
 * the lake's thresholds. Without the mode there are none (stack-current-state.test.ts checks that the default
 * template is otherwise unchanged).
 */
let off: SynthesizedStack;
let on: SynthesizedStack;
beforeAll(() => {
  off = synthStack({}, { bundle: false });
  on = synthStack({ currentState: 'iceberg' }, { bundle: false });
});
afterAll(() => {
  for (const stack of [off, on]) stack.dispose();
});

const PREFIX = 'GadgetSalesCdc-CurrentState';
const alarmsOf = (stack: SynthesizedStack) =>
  Object.values(stack.template.findResources('AWS::CloudWatch::Alarm')).map(
    (alarm) => alarm.Properties as Record<string, unknown>,
  );
const currentStateAlarms = (stack: SynthesizedStack) =>
  alarmsOf(stack).filter((alarm) => String(alarm.AlarmName).startsWith(PREFIX));
const alarmNamed = (stack: SynthesizedStack, name: string) =>
  alarmsOf(stack).find((alarm) => alarm.AlarmName === name);

describe('with -c currentState=iceberg', () => {
  const firehose = {
    Name: 'DeliveryStreamName',
    Value: { Ref: Match.stringLikeRegexp('^CurrentStateDeliveryDeliveryStream') },
  };
  const lambda = {
    Name: 'FunctionName',
    Value: { Ref: Match.stringLikeRegexp('^CurrentStateDeliveryTransformFunction') },
  };
  // The companion function's own namespace: its metrics never mix with the lake transform's.
  const custom = 'GadgetSalesCdc/orders-cdc-state';
  // [symptom, namespace, metric, dimensions, statistic, comparison, threshold, evaluation periods]
  it.each([
    [
      'TransformInvocationsFailing',
      'AWS/Firehose',
      'ExecuteProcessing.Success',
      [firehose],
      'Minimum',
      'LessThanThreshold',
      1,
      1,
    ],
    ['TransformErrors', 'AWS/Lambda', 'Errors', [lambda], 'Sum', 'GreaterThanThreshold', 0, 1],
    ['TransformThrottled', 'AWS/Lambda', 'Throttles', [lambda], 'Sum', 'GreaterThanThreshold', 0, 1],
    [
      'TransformRecordsFailed',
      custom,
      'ProcessingFailedRecords',
      undefined,
      'Sum',
      'GreaterThanThreshold',
      0,
      1,
    ],
    [
      'RowsFailed',
      'AWS/Firehose',
      'DeliveryToIceberg.FailedRowCount',
      [firehose],
      'Sum',
      'GreaterThanThreshold',
      0,
      1,
    ],
    [
      'Stale',
      'AWS/Firehose',
      'DeliveryToIceberg.DataFreshness',
      [firehose],
      'Maximum',
      'GreaterThanThreshold',
      900,
      1,
    ],
    [
      'BehindKinesis',
      'AWS/Firehose',
      'KinesisMillisBehindLatest',
      [firehose],
      'Maximum',
      'GreaterThanThreshold',
      300_000,
      2,
    ],
    [
      'UnrepresentableValues',
      custom,
      'UnrepresentableChanges',
      undefined,
      'Sum',
      'GreaterThanThreshold',
      0,
      1,
    ],
  ])('CurrentState%s watches %s %s', (symptom, Namespace, MetricName, Dimensions, Statistic, ComparisonOperator, Threshold, EvaluationPeriods) => {
    on.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `${PREFIX}${symptom}`,
      Namespace,
      MetricName,
      Dimensions: Dimensions ?? Match.absent(),
      Statistic,
      ComparisonOperator,
      Threshold,
      EvaluationPeriods,
      Period: 300,
      TreatMissingData: 'notBreaching',
    });
  });

  it('adds exactly those eight to the lake’s eleven', () => {
    expect(currentStateAlarms(on)).toHaveLength(8);
    expect(alarmsOf(on)).toHaveLength(19);
  });

  it('notifies the alarm topic when an alarm fires and when it is back to OK', () => {
    const topic = { Ref: logicalId(on.template, 'AWS::SNS::Topic', 'AlarmTopic') };
    on.template.resourceCountIs('AWS::SNS::Topic', 1);
    for (const alarm of currentStateAlarms(on)) {
      expect(alarm.AlarmActions).toEqual([topic]);
      expect(alarm.OKActions).toEqual([topic]);
    }
  });

  it('holds the state stream to the lake stream’s freshness and Kinesis lag', () => {
    const threshold = (name: string) => alarmNamed(on, `GadgetSalesCdc-${name}`)?.Threshold;
    expect(threshold('CurrentStateStale')).toBe(threshold('LakeStale'));
    expect(threshold('CurrentStateBehindKinesis')).toBe(threshold('DeliveryBehindKinesis'));
  });

  it('reads the custom metrics the companion’s log line feeds, from its own log group', () => {
    for (const MetricName of ['ProcessingFailedRecords', 'UnrepresentableChanges'])
      on.template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: {
          Ref: logicalId(on.template, 'AWS::Logs::LogGroup', 'CurrentStateDeliveryTransformLogs'),
        },
        MetricTransformations: [Match.objectLike({ MetricNamespace: custom, MetricName })],
      });
  });
});

describe('with the mode off (the default)', () => {
  it('has none of them: only the lake’s eleven alarms', () => {
    expect(currentStateAlarms(off)).toEqual([]);
    expect(alarmsOf(off)).toHaveLength(11);
    expect(
      Object.keys(off.template.findResources('AWS::CloudWatch::Alarm')).filter((id) =>
        id.startsWith('CurrentState'),
      ),
    ).toEqual([]);
  });
});
