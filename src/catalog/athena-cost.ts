import type { AthenaQueryStatistics } from './athena-engine.ts';

/**
 * Athena's price, as AWS states it (https://aws.amazon.com/athena/pricing/): $5 per TB scanned in most regions
 * (the dashboard takes the price as an option), each query's bytes rounded up to the next megabyte with a 10 MB
 * minimum; DDL statements and failed queries are not billed, a cancelled one is billed for what it scanned.
 * Every figure here is an estimate from Statistics.DataScannedInBytes, counting a megabyte as 2^20 bytes and a
 * terabyte as 2^40 (decimal units would differ by under 10%); the bill is AWS's.
 */
export const MEGABYTE = 2 ** 20;
const TERABYTE = 2 ** 40;
export const MIN_BILLED_BYTES = 10 * MEGABYTE;

/**
 * CloudWatch's GetMetricData is billed per metric requested: $0.01 per 1,000 metrics
 * (https://aws.amazon.com/cloudwatch/pricing/); DescribeAlarms is a plain API request (the free tier's first
 * million a month cost nothing).
 */
const METRIC_REQUEST_USD = 0.01 / 1_000;

/** What some Athena queries scanned and cost. */
export interface AthenaScan {
  readonly queries: number;
  readonly scannedBytes: number;
  /** What Athena bills for them: each query rounded up to a megabyte, at least 10 MB; DDL and failures nothing. */
  readonly billedBytes: number;
  readonly costUsd: number;
}

export const NO_SCAN: AthenaScan = { queries: 0, scannedBytes: 0, billedBytes: 0, costUsd: 0 };

/** The bytes Athena bills for one query. */
export function billedBytes(statistics: AthenaQueryStatistics): number {
  if (statistics.statementType === 'DDL' || statistics.state === 'FAILED') return 0;
  return Math.max(MIN_BILLED_BYTES, Math.ceil(statistics.dataScannedInBytes / MEGABYTE) * MEGABYTE);
}

/** `scan` with one more query. */
export function withQuery(
  scan: AthenaScan,
  statistics: AthenaQueryStatistics,
  pricePerTbUsd: number,
): AthenaScan {
  const billed = scan.billedBytes + billedBytes(statistics);
  return {
    queries: scan.queries + 1,
    scannedBytes: scan.scannedBytes + statistics.dataScannedInBytes,
    billedBytes: billed,
    costUsd: (billed / TERABYTE) * pricePerTbUsd,
  };
}

/** What a cost repeated every `everyMs` comes to in an hour. */
export function perHour(costUsd: number, everyMs: number): number {
  return (costUsd * 3_600_000) / everyMs;
}

/** GetMetricData's cost for `metrics` metrics requested every `everyMs`, per hour. */
export function metricRequestsPerHourUsd(metrics: number, everyMs: number): number {
  return perHour(metrics * METRIC_REQUEST_USD, everyMs);
}
