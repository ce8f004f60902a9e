import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TRANSFORM_LOG_FIELDS } from '../../infra/lib/transform-function.ts';
import { STACK_OUTPUT_KEYS } from '../../src/aws/stack-output-keys.ts';
import { handler } from '../../src/transform/handler.ts';
import { base64Json, firehoseEvent, ORDER_IMAGE, streamRecord } from '../helpers/stream-records.ts';
import { logicalId, type SynthesizedStack, synthStack } from './synth-stack.ts';

/**
 * What tells an operator something is wrong: the alarms (metric, namespace, dimensions and statistic as AWS
 * documents them), the metrics the transform's log line feeds, and the SNS topic every alarm notifies.
 */
let synthesized: SynthesizedStack;
beforeAll(() => {
  synthesized = synthStack({}, { bundle: false });
});
afterAll(() => synthesized.dispose());

const ref = (prefix: string, type: string) => ({ Ref: logicalId(synthesized.template, type, prefix) });
const alarms = () =>
  Object.values(synthesized.template.findResources('AWS::CloudWatch::Alarm')).map(
    (alarm) => alarm.Properties as Record<string, unknown>,
  );

describe('alarms', () => {
  const firehose = {
    Name: 'DeliveryStreamName',
    Value: { Ref: Match.stringLikeRegexp('^DeliveryDeliveryStream') },
  };
  const lambda = { Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^TransformFunction') } };
  const pipe = { Name: 'PipeName', Value: 'orders-cdc-capture' };
  const queue = {
    Name: 'QueueName',
    Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CaptureDeadLetterQueue'), 'QueueName'] },
  };
  const custom = 'GadgetSalesCdc/orders-cdc-transform';
  // [name, namespace, metric, dimensions, statistic, comparison, threshold]
  it.each([
    [
      'CaptureFailing',
      'AWS/EventBridge/Pipes',
      'ExecutionFailed',
      [pipe],
      'Sum',
      'GreaterThanOrEqualToThreshold',
      1,
    ],
    [
      'CapturePartiallyFailing',
      'AWS/EventBridge/Pipes',
      'ExecutionPartiallyFailed',
      [pipe],
      'Sum',
      'GreaterThanOrEqualToThreshold',
      1,
    ],
    [
      'CaptureGaveUp',
      'AWS/SQS',
      'ApproximateNumberOfMessagesVisible',
      [queue],
      'Maximum',
      'GreaterThanOrEqualToThreshold',
      1,
    ],
    [
      'TransformInvocationsFailing',
      'AWS/Firehose',
      'ExecuteProcessing.Success',
      [firehose],
      'Minimum',
      'LessThanThreshold',
      1,
    ],
    ['TransformErrors', 'AWS/Lambda', 'Errors', [lambda], 'Sum', 'GreaterThanThreshold', 0],
    ['TransformThrottled', 'AWS/Lambda', 'Throttles', [lambda], 'Sum', 'GreaterThanThreshold', 0],
    [
      'TransformRecordsFailed',
      custom,
      'ProcessingFailedRecords',
      undefined,
      'Sum',
      'GreaterThanThreshold',
      0,
    ],
    [
      'ConversionFailed',
      'AWS/Firehose',
      'FailedConversion.Records',
      [firehose],
      'Sum',
      'GreaterThanThreshold',
      0,
    ],
    [
      'LakeStale',
      'AWS/Firehose',
      'DeliveryToS3.DataFreshness',
      [firehose],
      'Maximum',
      'GreaterThanThreshold',
      900,
    ],
    [
      'DeliveryBehindKinesis',
      'AWS/Firehose',
      'KinesisMillisBehindLatest',
      [firehose],
      'Maximum',
      'GreaterThanThreshold',
      300_000,
    ],
    ['UnrepresentableValues', custom, 'UnrepresentableChanges', undefined, 'Sum', 'GreaterThanThreshold', 0],
  ])('%s watches %s %s', (name, Namespace, MetricName, Dimensions, Statistic, ComparisonOperator, Threshold) => {
    synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `GadgetSalesCdc-${name}`,
      Namespace,
      MetricName,
      Dimensions: Dimensions ?? Match.absent(),
      Statistic,
      ComparisonOperator,
      Threshold,
      Period: 300,
      TreatMissingData: 'notBreaching',
    });
  });

  it('has exactly those eleven, without the source backup', () => {
    expect(alarms()).toHaveLength(11);
  });

  it('notifies the alarm topic when an alarm fires and when it is back to OK', () => {
    const topic = ref('AlarmTopic', 'AWS::SNS::Topic');
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions).toEqual([topic]);
      expect(alarm.OKActions).toEqual([topic]);
      expect(alarm.AlarmName).toMatch(/^GadgetSalesCdc-/);
    }
  });
});

describe('the metrics from the transform log line', () => {
  it.each([
    ['UnrepresentableChanges', '$.unrepresentable'],
    ['ProcessingFailedRecords', '$.results.ProcessingFailed'],
  ])('%s sums %s of the summary lines on the transform log group', (MetricName, selector) => {
    synthesized.template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: ref('TransformLogs', 'AWS::Logs::LogGroup'),
      FilterPattern: `{ ($.message = "transformed") && (${selector} > 0) }`,
      MetricTransformations: [
        {
          MetricNamespace: 'GadgetSalesCdc/orders-cdc-transform',
          MetricName,
          MetricValue: selector,
          Unit: 'Count',
        },
      ],
    });
  });

  it('reads fields the transform really logs, once per invocation', async () => {
    const log = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const poison = { ...ORDER_IMAGE, price: { N: '12345678901' } };
    await handler(
      firehoseEvent([
        base64Json(streamRecord({ eventName: 'INSERT', newImage: poison })),
        Buffer.from('not json').toString('base64'),
      ]),
    );
    vi.restoreAllMocks();
    expect(log).toHaveBeenCalledTimes(1);
    const line = JSON.parse(String(log.mock.calls[0]?.[0])) as unknown;
    const at = (selector: string) =>
      selector
        .slice(2)
        .split('.')
        .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], line);
    expect(at(TRANSFORM_LOG_FIELDS.message.selector)).toBe(TRANSFORM_LOG_FIELDS.message.value);
    expect(at(TRANSFORM_LOG_FIELDS.unrepresentable)).toBe(1);
    expect(at(TRANSFORM_LOG_FIELDS.processingFailed)).toBe(1);
  });
});

describe('the alarm topic', () => {
  it('requires TLS to publish and lets only this account’s pipeline alarms publish', () => {
    const topic = ref('AlarmTopic', 'AWS::SNS::Topic');
    synthesized.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topic],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 'sns:Publish',
            Resource: topic,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Sid: 'AllowPublishThroughSSLOnly',
          },
          {
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: topic,
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: {
                'aws:SourceArn': {
                  'Fn::Join': [
                    '',
                    [
                      'arn:',
                      { Ref: 'AWS::Partition' },
                      ':cloudwatch:',
                      { Ref: 'AWS::Region' },
                      ':',
                      { Ref: 'AWS::AccountId' },
                      ':alarm:GadgetSalesCdc-*',
                    ],
                  ],
                },
              },
            },
            Sid: Match.anyValue(),
          },
        ],
        Version: '2012-10-17',
      },
    });
  });

  it('has no subscription unless -c alarmEmail is given, and its ARN is a stack output', () => {
    synthesized.template.resourceCountIs('AWS::SNS::Subscription', 0);
    const outputs = synthesized.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs[STACK_OUTPUT_KEYS.alarmTopicArn]?.Value).toEqual(ref('AlarmTopic', 'AWS::SNS::Topic'));
  });
});
