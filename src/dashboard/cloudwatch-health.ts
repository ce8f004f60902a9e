import {
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandOutput,
  GetMetricDataCommand,
  type GetMetricDataCommandOutput,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { type RetryPolicy, withRetries } from '../aws/aws-retry.ts';
import { TRANSFORM_METRICS, transformMetricNamespace } from '../aws/transform-metrics.ts';

/** The two CloudWatch calls made here; a `CloudWatchClient` fits, and so does a scripted client in tests. */
export interface CloudWatchApi {
  send(command: GetMetricDataCommand): Promise<GetMetricDataCommandOutput>;
  send(command: DescribeAlarmsCommand): Promise<DescribeAlarmsCommandOutput>;
}

/** The deployed pipeline's resources, as the stack's outputs name them. */
export interface MonitoredStack {
  /** Every alarm of the stack is named `<stackName>-<Symptom>` (infra/lib/alarm-factory.ts). */
  readonly stackName: string;
  readonly pipeName: string;
  readonly streamName: string;
  readonly deliveryStreamName: string;
  readonly transformFunctionName: string;
}

/** One metric of one stage over the window: a sum over it, or its latest value. */
export interface MetricView {
  readonly stage: 'capture' | 'stream' | 'transform' | 'delivery';
  readonly what: string;
  /** The metric's name, and `<namespace> <name> (<statistic>)` as CloudWatch's console finds it. */
  readonly name: string;
  readonly metric: string;
  readonly value: number | null;
  readonly unit: 'count' | 'ms' | 's' | 'ratio';
  /** `sum`: the periods' sum over the window; `latest`: the newest period's value. */
  readonly over: 'sum' | 'latest';
}

export interface AlarmView {
  readonly name: string;
  readonly state: string;
  /** When it entered its state (ISO). */
  readonly since: string | undefined;
  readonly reason: string;
  readonly description: string;
}

/** The health panel on AWS: each stage's CloudWatch metrics and the stack's alarms. */
export interface AwsHealthPanel {
  readonly source: 'aws';
  /** When the metrics were read (ISO), and over what: the last `windowMinutes` in `periodSeconds` periods. */
  readonly metricsAt: string | undefined;
  readonly windowMinutes: number;
  readonly periodSeconds: number;
  readonly metrics: readonly MetricView[];
  /** ALARM first, then INSUFFICIENT_DATA, then OK, each by name. */
  readonly alarms: readonly AlarmView[];
  /** Firehose's DeliveryToS3.DataFreshness, the newest period's, in ms: the age of the oldest record in flight. */
  readonly dataFreshnessMs: number | null;
  /** Why metrics or alarms could not be read, if they could not (the rest still shows). */
  readonly errors: readonly string[];
}

/**
 * Firehose publishes its metrics every five minutes, and the stack's alarms look at five-minute periods
 * (infra/lib/alarm-factory.ts): the metrics are read in five-minute periods over the last hour, and no more often
 * than a period (GetMetricData is billed per metric requested).
 */
export const METRICS_PERIOD_MS = 300_000;
export const METRICS_WINDOW_MS = 3_600_000;

interface MetricSpec extends Omit<MetricView, 'metric' | 'value'> {
  readonly namespace: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: 'Sum' | 'Maximum' | 'Minimum';
}

/**
 * What the page shows of each stage. Names and dimensions as AWS documents them: EventBridge Pipes
 * (`AWS/EventBridge/Pipes`, PipeName; Pipes publishes no iterator age), Kinesis Data Streams (`AWS/Kinesis`,
 * StreamName), Lambda (`AWS/Lambda`, FunctionName), Firehose (`AWS/Firehose`, DeliveryStreamName), and the two
 * metrics the transform's log line feeds (namespace `GadgetSalesCdc/<function>`, no dimension:
 * infra/lib/transform-function.ts). The stack's alarms watch the same metrics.
 */
export function pipelineMetrics(stack: MonitoredStack): MetricSpec[] {
  const pipe = metricsOf('capture', 'AWS/EventBridge/Pipes', { PipeName: stack.pipeName });
  const kinesis = metricsOf('stream', 'AWS/Kinesis', { StreamName: stack.streamName });
  const lambda = metricsOf('transform', 'AWS/Lambda', { FunctionName: stack.transformFunctionName });
  const logLine = metricsOf('transform', transformMetricNamespace(stack.transformFunctionName), {});
  const firehose = metricsOf('delivery', 'AWS/Firehose', { DeliveryStreamName: stack.deliveryStreamName });
  return [
    pipe('EventCount', SUM, 'events the pipe processed'),
    pipe('ExecutionFailed', SUM, 'failed executions (retried)'),
    pipe('ExecutionPartiallyFailed', SUM, 'partly failed executions'),
    pipe('ExecutionThrottled', SUM, 'throttled executions'),
    kinesis('IncomingRecords', SUM, 'records put on the stream'),
    kinesis('GetRecords.IteratorAgeMilliseconds', latestMaximum('ms'), 'age of the last record read'),
    lambda('Invocations', SUM, 'invocations'),
    lambda('Errors', SUM, 'invocations that failed'),
    lambda('Throttles', SUM, 'invocations throttled'),
    lambda('Duration', latestMaximum('ms'), 'longest invocation'),
    logLine(TRANSFORM_METRICS.processingFailed, SUM, 'records it failed (errors/processing-failed/)'),
    logLine(TRANSFORM_METRICS.unrepresentable, SUM, 'changes with a value a column cannot hold'),
    firehose('ExecuteProcessing.Success', LATEST_MINIMUM, 'share of transform calls that succeeded (lowest)'),
    firehose('SucceedProcessing.Records', SUM, 'records the transform returned'),
    firehose('DeliveryToS3.Records', SUM, 'rows delivered to the lake'),
    firehose('FailedConversion.Records', SUM, 'rows the Parquet conversion rejected'),
    firehose('DeliveryToS3.DataFreshness', latestMaximum('s'), 'oldest record not yet in the lake'),
    firehose('KinesisMillisBehindLatest', latestMaximum('ms'), 'how far it reads behind Kinesis'),
  ];
}

type Reading = Pick<MetricSpec, 'statistic' | 'unit' | 'over'>;
const SUM: Reading = { statistic: 'Sum', unit: 'count', over: 'sum' };
const LATEST_MINIMUM: Reading = { statistic: 'Minimum', unit: 'ratio', over: 'latest' };
const latestMaximum = (unit: 'ms' | 's'): Reading => ({ statistic: 'Maximum', unit, over: 'latest' });

/** The metrics of one resource: its stage, namespace and dimensions, then each metric's name and reading. */
function metricsOf(stage: MetricSpec['stage'], namespace: string, dimensions: Record<string, string>) {
  return (name: string, reading: Reading, what: string): MetricSpec => ({
    stage,
    namespace,
    name,
    dimensions,
    what,
    ...reading,
  });
}

/**
 * Every metric of `pipelineMetrics` over the last hour, in one GetMetricData request paged by NextToken
 * (a page may hold part of a metric's data points; they are joined by query id). A metric without data points
 * (no traffic) is null. A metric CloudWatch could not answer (`Forbidden`, `InternalError`) is null too, and
 * named in `errors`.
 */
export async function readMetrics(
  cloudWatch: CloudWatchApi,
  stack: MonitoredStack,
  nowMs: number,
  retry: RetryPolicy = {},
): Promise<{ metrics: MetricView[]; errors: string[] }> {
  const specs = pipelineMetrics(stack);
  // Whole periods, as CloudWatch answers fastest: the window ends at the start of the current minute.
  const end = Math.floor(nowMs / 60_000) * 60_000;
  const queries: MetricDataQuery[] = specs.map((spec, i) => ({
    Id: `m${i}`,
    MetricStat: {
      Metric: {
        Namespace: spec.namespace,
        MetricName: spec.name,
        Dimensions: Object.entries(spec.dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: METRICS_PERIOD_MS / 1000,
      Stat: spec.statistic,
    },
  }));
  const points = new Map<string, Array<{ at: number; value: number }>>();
  const problems = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await withRetries(
      'CloudWatch GetMetricData',
      () =>
        cloudWatch.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries,
            StartTime: new Date(end - METRICS_WINDOW_MS),
            EndTime: new Date(end),
            ScanBy: 'TimestampDescending',
            NextToken: token,
          }),
        ),
      retry,
    );
    for (const result of page.MetricDataResults ?? []) {
      const id = result.Id ?? '';
      const values = result.Values ?? [];
      const into = points.get(id) ?? [];
      (result.Timestamps ?? []).forEach((at, i) => {
        const value = values[i];
        if (value !== undefined) into.push({ at: at.getTime(), value });
      });
      points.set(id, into);
      if (result.StatusCode === 'Forbidden' || result.StatusCode === 'InternalError')
        problems.set(id, result.StatusCode);
    }
    token = page.NextToken;
  } while (token);
  const metrics = specs.map((spec, i): MetricView => {
    const found = points.get(`m${i}`) ?? [];
    const value =
      found.length === 0
        ? null
        : spec.over === 'sum'
          ? found.reduce((total, point) => total + point.value, 0)
          : found.reduce((newest, point) => (point.at > newest.at ? point : newest)).value;
    const { stage, what, name, unit, over } = spec;
    return { stage, what, name, unit, over, metric: `${spec.namespace} ${name} (${spec.statistic})`, value };
  });
  const errors = [...problems].map(
    ([id, status]) => `CloudWatch answered ${status} for ${metrics[Number(id.slice(1))]?.metric ?? id}`,
  );
  return { metrics, errors };
}

const STATE_ORDER: Readonly<Record<string, number>> = { ALARM: 0, INSUFFICIENT_DATA: 1, OK: 2 };

/**
 * The stack's alarms (DescribeAlarms by the name prefix `<stackName>-`, paged by NextToken). The prefix alone
 * would also match the alarms of a stack named `<stackName>-more`: only names whose rest is one symptom (letters
 * and digits, as the stack spells them) are the stack's.
 */
export async function readAlarms(
  cloudWatch: CloudWatchApi,
  stackName: string,
  retry: RetryPolicy = {},
): Promise<AlarmView[]> {
  const prefix = `${stackName}-`;
  const alarms: AlarmView[] = [];
  let token: string | undefined;
  do {
    const page = await withRetries(
      'CloudWatch DescribeAlarms',
      () =>
        cloudWatch.send(
          new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, MaxRecords: 100, NextToken: token }),
        ),
      retry,
    );
    for (const alarm of page.MetricAlarms ?? []) {
      const name = alarm.AlarmName ?? '';
      if (!/^[A-Za-z0-9]+$/.test(name.slice(prefix.length))) continue;
      alarms.push({
        name,
        state: alarm.StateValue ?? 'INSUFFICIENT_DATA',
        since: alarm.StateUpdatedTimestamp?.toISOString(),
        reason: alarm.StateReason ?? '',
        description: alarm.AlarmDescription ?? '',
      });
    }
    token = page.NextToken;
  } while (token);
  return alarms.sort(
    (a, b) => (STATE_ORDER[a.state] ?? 1) - (STATE_ORDER[b.state] ?? 1) || a.name.localeCompare(b.name),
  );
}
