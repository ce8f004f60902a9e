import { describe, expect, it } from 'vitest';
import type { AthenaQueryStatistics } from '../catalog/athena-engine.ts';
import { billedBytes, metricRequestsPerHourUsd, NO_SCAN, perHour, withQuery } from './athena-cost.ts';

const MB = 2 ** 20;
const query = (
  dataScannedInBytes: number,
  more: Partial<AthenaQueryStatistics> = {},
): AthenaQueryStatistics => ({
  queryExecutionId: 'q',
  sql: 'SELECT 1',
  state: 'SUCCEEDED',
  statementType: 'DML',
  substatementType: 'SELECT',
  dataScannedInBytes,
  ...more,
});

describe('what Athena bills', () => {
  it('rounds each query up to a whole megabyte, at least 10 MB', () => {
    expect(billedBytes(query(0))).toBe(10 * MB);
    expect(billedBytes(query(1))).toBe(10 * MB);
    expect(billedBytes(query(10 * MB))).toBe(10 * MB);
    expect(billedBytes(query(10 * MB + 1))).toBe(11 * MB);
    expect(billedBytes(query(3 * 2 ** 30))).toBe(3 * 2 ** 30);
  });

  it('bills no DDL and no failed query, and a cancelled one for what it scanned', () => {
    expect(billedBytes(query(0, { statementType: 'DDL', substatementType: 'CREATE_VIEW' }))).toBe(0);
    expect(billedBytes(query(50 * MB, { state: 'FAILED' }))).toBe(0);
    expect(billedBytes(query(50 * MB, { state: 'CANCELLED' }))).toBe(50 * MB);
  });

  it('adds queries up and prices them per TB scanned', () => {
    const scan = [query(1), query(25 * MB + 1), query(0, { statementType: 'DDL' })].reduce(
      (total, q) => withQuery(total, q, 5),
      NO_SCAN,
    );
    expect(scan).toEqual({
      queries: 3,
      scannedBytes: 25 * MB + 2,
      billedBytes: 36 * MB,
      costUsd: (36 * MB * 5) / 2 ** 40,
    });
    // 36 MB at $5 per TB is about $0.00017; a TB is $5.
    expect(scan.costUsd).toBeCloseTo(0.000172, 6);
    expect(withQuery(NO_SCAN, query(2 ** 40), 6.75).costUsd).toBe(6.75);
  });

  it('says what a cost repeated on a schedule comes to in an hour', () => {
    expect(perHour(0.0005, 60_000)).toBeCloseTo(0.03, 10);
    expect(perHour(0.0005, 300_000)).toBeCloseTo(0.006, 10);
    // GetMetricData: 18 metrics every 5 minutes, $0.01 per 1,000 metrics.
    expect(metricRequestsPerHourUsd(18, 300_000)).toBeCloseTo(0.00216, 10);
  });
});
