import {
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type MetricAlarm,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import type { CloudWatchApi } from '../../src/dashboard/cloudwatch-health.ts';

type Operation = 'GetMetricData' | 'DescribeAlarms';

/** A metric's data points, newest first as `ScanBy: TimestampDescending` gives them: [time in ms, value]. */
export type Points = ReadonlyArray<readonly [number, number]>;

export interface ScriptedCloudWatchOptions {
  /** Data points per metric name; a metric not named has none (no traffic). */
  readonly metrics?: Readonly<Record<string, Points>>;
  /** StatusCode per metric name, where it is not Complete (e.g. Forbidden). */
  readonly statuses?: Readonly<Record<string, 'Forbidden' | 'InternalError'>>;
  /**
   * GetMetricData answers in this many pages: page i holds each metric's points i, i + pages, …, as CloudWatch
   * splits a metric's points over pages. @default 1
   */
  readonly metricPages?: number;
  readonly alarms?: readonly MetricAlarm[];
  /** DescribeAlarms answers at most this many alarms a page. @default 100 */
  readonly alarmPageSize?: number;
}

/**
 * An in-memory CloudWatch for the dashboard's two calls, answering from a script, paging by NextToken as
 * CloudWatch does. `failNext` makes a call throw before it does anything (throttling, a refusal).
 */
export class ScriptedCloudWatch {
  readonly calls: Array<{ readonly op: Operation; readonly input: Record<string, unknown> }> = [];
  private readonly failures: Array<{ op: Operation; error: Error }> = [];
  readonly client = { send: (command: object) => this.answer(command) } as CloudWatchApi;

  constructor(private script: ScriptedCloudWatchOptions = {}) {}

  /** Changes what the next calls answer. */
  set(script: ScriptedCloudWatchOptions): void {
    this.script = script;
  }

  failNext(op: Operation, ...errors: Error[]): this {
    for (const error of errors) this.failures.push({ op, error });
    return this;
  }

  count(op: Operation): number {
    return this.calls.filter((call) => call.op === op).length;
  }

  private async answer(command: object): Promise<unknown> {
    const op: Operation = command instanceof GetMetricDataCommand ? 'GetMetricData' : 'DescribeAlarms';
    if (!(command instanceof GetMetricDataCommand) && !(command instanceof DescribeAlarmsCommand))
      throw new Error(`the scripted CloudWatch does not answer ${command.constructor.name}`);
    const input = { ...command.input } as Record<string, unknown>;
    this.calls.push({ op, input });
    const failure = this.failures.findIndex((f) => f.op === op);
    if (failure >= 0) throw this.failures.splice(failure, 1)[0]?.error;
    const page = input.NextToken === undefined ? 0 : Number(String(input.NextToken).replace('page-', ''));
    if (op === 'GetMetricData') {
      const pages = this.script.metricPages ?? 1;
      const queries = input.MetricDataQueries as MetricDataQuery[];
      const results: MetricDataResult[] = queries.map((query) => {
        const name = query.MetricStat?.Metric?.MetricName ?? '';
        const points = (this.script.metrics?.[name] ?? []).filter((_, i) => i % pages === page);
        const status = this.script.statuses?.[name];
        return {
          Id: query.Id,
          Label: name,
          Timestamps: points.map(([at]) => new Date(at)),
          Values: points.map(([, value]) => value),
          StatusCode: status ?? (page + 1 < pages ? 'PartialData' : 'Complete'),
        };
      });
      return {
        $metadata: {},
        MetricDataResults: results,
        NextToken: page + 1 < pages ? `page-${page + 1}` : undefined,
      };
    }
    const size = this.script.alarmPageSize ?? 100;
    const prefix = String(input.AlarmNamePrefix ?? '');
    const matching = (this.script.alarms ?? []).filter((alarm) => alarm.AlarmName?.startsWith(prefix));
    const more = (page + 1) * size < matching.length;
    return {
      $metadata: {},
      MetricAlarms: matching.slice(page * size, (page + 1) * size),
      NextToken: more ? `page-${page + 1}` : undefined,
    };
  }
}
