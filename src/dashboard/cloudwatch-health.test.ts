import { CloudWatchServiceException, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { ScriptedCloudWatch } from '../../test/helpers/scripted-cloudwatch.ts';
import { AwsRequestError } from '../aws/aws-retry.ts';
import { type MonitoredStack, pipelineMetrics, readAlarms, readMetrics } from './cloudwatch-health.ts';

const STACK: MonitoredStack = {
  stackName: 'GadgetSalesCdc',
  pipeName: 'orders-pipe',
  streamName: 'kinesis-sales-order',
  deliveryStreamName: 'orders-cdc',
  transformFunctionName: 'orders-cdc-transform',
};
const NOW = Date.parse('2026-12-01T10:07:31Z');
const at = (minutes: number) => Date.parse('2026-12-01T10:00:00Z') - minutes * 60_000;
const noWait = { sleep: async () => {} };

/** CloudWatch's throttling error as the SDK raises it (HTTP 400, name "Throttling"). */
const throttling = () =>
  new CloudWatchServiceException({
    name: 'Throttling',
    $fault: 'client',
    message: 'Rate exceeded',
    $metadata: { httpStatusCode: 400 },
  });

const alarm = (name: string, state: string, more: Partial<MetricAlarm> = {}): MetricAlarm => ({
  AlarmName: name,
  StateValue: state as MetricAlarm['StateValue'],
  StateReason: `${state} because`,
  StateUpdatedTimestamp: new Date('2026-12-01T09:55:00Z'),
  AlarmDescription: `${name} watches something`,
  ...more,
});

describe('readMetrics', () => {
  it('asks for every stage’s metrics in one request over the last hour, five-minute periods', async () => {
    const cloudWatch = new ScriptedCloudWatch();
    await readMetrics(cloudWatch.client, STACK, NOW);

    const [request] = cloudWatch.calls;
    expect(cloudWatch.calls).toHaveLength(1);
    expect(request?.input).toMatchObject({
      StartTime: new Date('2026-12-01T09:07:00Z'),
      EndTime: new Date('2026-12-01T10:07:00Z'),
      ScanBy: 'TimestampDescending',
    });
    const queries = request?.input.MetricDataQueries as Array<{
      Id: string;
      MetricStat: Record<string, unknown>;
    }>;
    expect(queries).toHaveLength(pipelineMetrics(STACK).length);
    expect(queries.find((q) => q.Id === 'm0')?.MetricStat).toEqual({
      Metric: {
        Namespace: 'AWS/EventBridge/Pipes',
        MetricName: 'EventCount',
        Dimensions: [{ Name: 'PipeName', Value: 'orders-pipe' }],
      },
      Period: 300,
      Stat: 'Sum',
    });
    const named = (name: string) =>
      queries.find((q) => (q.MetricStat.Metric as { MetricName: string }).MetricName === name);
    expect(named('DeliveryToS3.DataFreshness')?.MetricStat).toMatchObject({
      Metric: {
        Namespace: 'AWS/Firehose',
        Dimensions: [{ Name: 'DeliveryStreamName', Value: 'orders-cdc' }],
      },
      Stat: 'Maximum',
    });
    expect(named('ProcessingFailedRecords')?.MetricStat).toMatchObject({
      Metric: { Namespace: 'GadgetSalesCdc/orders-cdc-transform', Dimensions: [] },
    });
  });

  it('joins a metric’s points across pages: counts summed over the hour, ages the newest period’s', async () => {
    const cloudWatch = new ScriptedCloudWatch({
      metricPages: 3,
      metrics: {
        IncomingRecords: [
          [at(0), 100],
          [at(5), 50],
          [at(10), 25],
          [at(15), 5],
        ],
        'DeliveryToS3.DataFreshness': [
          [at(0), 75],
          [at(5), 400],
        ],
      },
    });
    const { metrics, errors } = await readMetrics(cloudWatch.client, STACK, NOW);

    expect(cloudWatch.calls.map((call) => call.input.NextToken)).toEqual([undefined, 'page-1', 'page-2']);
    const value = (name: string) => metrics.find((metric) => metric.name === name);
    expect(value('IncomingRecords')).toMatchObject({
      stage: 'stream',
      value: 180,
      unit: 'count',
      over: 'sum',
    });
    expect(value('DeliveryToS3.DataFreshness')).toMatchObject({
      metric: 'AWS/Firehose DeliveryToS3.DataFreshness (Maximum)',
      value: 75,
      unit: 's',
      over: 'latest',
    });
    // No points: no traffic, not zero.
    expect(value('Errors')?.value).toBeNull();
    expect(errors).toEqual([]);
  });

  it('retries throttling with backoff, and names a metric CloudWatch would not answer', async () => {
    const cloudWatch = new ScriptedCloudWatch({
      metrics: { Invocations: [[at(0), 4]] },
      statuses: { Invocations: 'Forbidden' },
    }).failNext('GetMetricData', throttling(), throttling());
    const waits: number[] = [];
    const { errors } = await readMetrics(cloudWatch.client, STACK, NOW, {
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(cloudWatch.count('GetMetricData')).toBe(3);
    expect(waits).toHaveLength(2);
    expect(errors).toEqual(['CloudWatch answered Forbidden for AWS/Lambda Invocations (Sum)']);
  });

  it('gives up on a refused request at once, saying which call and what to check', async () => {
    const denied = new CloudWatchServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      message: 'not authorized to perform cloudwatch:GetMetricData',
      $metadata: { httpStatusCode: 403 },
    });
    const cloudWatch = new ScriptedCloudWatch().failNext('GetMetricData', denied);
    const error = await readMetrics(cloudWatch.client, STACK, NOW, noWait).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsRequestError);
    expect((error as Error).message).toBe(
      'CloudWatch GetMetricData failed: AccessDeniedException: not authorized to perform ' +
        'cloudwatch:GetMetricData. Check the credentials (--profile or AWS_PROFILE) and that they allow this call.',
    );
    expect(cloudWatch.count('GetMetricData')).toBe(1);
  });
});

describe('readAlarms', () => {
  it('reads every page of the stack’s alarms, ALARM first, and no other stack’s', async () => {
    const cloudWatch = new ScriptedCloudWatch({
      alarmPageSize: 2,
      alarms: [
        alarm('GadgetSalesCdc-CaptureFailing', 'OK'),
        alarm('GadgetSalesCdc-LakeStale', 'ALARM'),
        alarm('GadgetSalesCdc-TransformErrors', 'INSUFFICIENT_DATA'),
        alarm('GadgetSalesCdc-Test-LakeStale', 'ALARM'),
        alarm('GadgetSalesCdc-CurrentStateLakeStale', 'OK'),
      ],
    }).failNext('DescribeAlarms', throttling());
    const alarms = await readAlarms(cloudWatch.client, 'GadgetSalesCdc', noWait);

    expect(cloudWatch.calls.map((call) => [call.input.AlarmNamePrefix, call.input.NextToken])).toEqual([
      ['GadgetSalesCdc-', undefined],
      ['GadgetSalesCdc-', undefined],
      ['GadgetSalesCdc-', 'page-1'],
      ['GadgetSalesCdc-', 'page-2'],
    ]);
    expect(alarms.map((a) => [a.name, a.state])).toEqual([
      ['GadgetSalesCdc-LakeStale', 'ALARM'],
      ['GadgetSalesCdc-TransformErrors', 'INSUFFICIENT_DATA'],
      ['GadgetSalesCdc-CaptureFailing', 'OK'],
      ['GadgetSalesCdc-CurrentStateLakeStale', 'OK'],
    ]);
    expect(alarms[0]).toEqual({
      name: 'GadgetSalesCdc-LakeStale',
      state: 'ALARM',
      since: '2026-12-01T09:55:00.000Z',
      reason: 'ALARM because',
      description: 'GadgetSalesCdc-LakeStale watches something',
    });
  });
});
