import type { CurrentOrdersCheck } from './current-orders-check.ts';
import type { HeartbeatResult } from './heartbeat.ts';
import {
  PROOF_METRIC_DIMENSION,
  PROOF_METRIC_NAMESPACE,
  PROOF_METRICS,
  type ProofMetric,
} from './proof-config.ts';

/**
 * The standing proof's metrics and how they reach CloudWatch: the embedded metric format, a JSON document written
 * as one log event, from which CloudWatch Logs extracts the metrics (no PutMetricData call, no permission for
 * it). Specification: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * — the root holds `_aws` (a `Timestamp` in ms and `CloudWatchMetrics`, directives of a `Namespace`, `Dimensions`
 * as sets of member names and `Metrics` as name and unit) and every member a directive names. From Lambda,
 * whatever the function writes to stdout goes to its log group, where the extraction happens
 * (…/CloudWatch_Embedded_Metric_Format_Lambda.html); a function that times out before writing it publishes nothing.
 */

export interface ProofFindings {
  /** Absent when the check failed: none of its metrics is published. */
  readonly check: CurrentOrdersCheck | undefined;
  /** Absent when the heartbeat failed: none of its metrics is published. */
  readonly heartbeat: HeartbeatResult | undefined;
  /** Markers the heartbeat was to write. */
  readonly markers: number;
  readonly heartbeatTimeoutMs: number;
  /** What the run's Athena queries scanned, in all. */
  readonly bytesScanned: number;
}

/** One run's metric values, by metric name, in the order of PROOF_METRICS. */
export function proofMetrics(findings: ProofFindings): Partial<Record<ProofMetric, number>> {
  const { check, heartbeat } = findings;
  return {
    ...(check && {
      [PROOF_METRICS.lostOrders]: check.lost.length,
      [PROOF_METRICS.unexpectedOrders]: check.unexpected.length,
      [PROOF_METRICS.differentOrders]: check.different.length,
      [PROOF_METRICS.changedDuringCheck]: check.changedDuringCheck.length,
      [PROOF_METRICS.checkReadUnits]: check.readUnits,
    }),
    ...(heartbeat && freshness(heartbeat, findings.markers, findings.heartbeatTimeoutMs)),
    [PROOF_METRICS.athenaBytesScanned]: findings.bytesScanned,
  };
}

/**
 * FreshnessSeconds is the slowest marker's write → queryable time. When a marker was not seen (or none could be
 * written before the run's deadline) it is the heartbeat's timeout, and MarkersNotSeen counts the markers missing.
 */
function freshness(
  heartbeat: HeartbeatResult,
  markers: number,
  timeoutMs: number,
): Partial<Record<ProofMetric, number>> {
  const notSeen = heartbeat.markers.length === 0 ? markers : heartbeat.notSeen;
  const slowestMs = notSeen > 0 ? timeoutMs : (heartbeat.maxMs ?? 0);
  return {
    [PROOF_METRICS.freshnessSeconds]: Math.round(slowestMs) / 1000,
    [PROOF_METRICS.markersNotSeen]: notSeen,
  };
}

const UNITS: Record<ProofMetric, 'Count' | 'Seconds' | 'Bytes'> = {
  LostOrders: 'Count',
  UnexpectedOrders: 'Count',
  DifferentOrders: 'Count',
  ChangedDuringCheck: 'Count',
  CheckReadUnits: 'Count',
  FreshnessSeconds: 'Seconds',
  MarkersNotSeen: 'Count',
  AthenaBytesScanned: 'Bytes',
};

/**
 * One embedded-metric-format document (the specification above): `_aws` with the time and one metric
 * directive — the namespace, the dimension set, each metric's name and unit — and at the root the dimension's
 * value and each metric's value, plus members CloudWatch keeps in the log only (`message`, `holds`).
 */
export function emfLine(
  tableName: string,
  metrics: Readonly<Partial<Record<ProofMetric, number>>>,
  timestampMs: number,
  extra: Record<string, unknown> = {},
): string {
  const names = Object.keys(metrics) as ProofMetric[];
  return JSON.stringify({
    _aws: {
      Timestamp: timestampMs,
      CloudWatchMetrics: [
        {
          Namespace: PROOF_METRIC_NAMESPACE,
          Dimensions: [[PROOF_METRIC_DIMENSION]],
          Metrics: names.map((Name) => ({ Name, Unit: UNITS[Name] })),
        },
      ],
    },
    [PROOF_METRIC_DIMENSION]: tableName,
    ...metrics,
    message: 'proof',
    ...extra,
  });
}
