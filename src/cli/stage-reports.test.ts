import { describe, expect, it } from 'vitest';
import { DeliveryMetrics } from '../delivery/delivery-metrics.ts';
import { newWriteStats } from '../generator/write-stats.ts';
import { stageCounts } from '../observe/stage-counts.ts';
import { PipeMetrics } from '../pipe/pipe-metrics.ts';
import { carriedOver } from '../twin/local-pipeline.ts';
import { formatCarriedOver, formatLiveStatus, formatStageBehind } from './stage-reports.ts';

function stages(recordsPut: number, delivered: Partial<DeliveryMetrics>) {
  const pipe = Object.assign(new PipeMetrics(), { recordsPut });
  const delivery = Object.assign(new DeliveryMetrics(), delivered);
  return { pipe, delivery };
}

describe('the stage reports of a pipeline run', () => {
  it('shows the live line: the generator, then each stage and what it owes the next, and a failing lake write', () => {
    const stats = { ...newWriteStats(), written: { insert: 60, update: 30, delete: 10 } };
    const { pipe, delivery } = stages(90, {
      recordsIn: 90,
      rowsWritten: 80,
      processingFailed: 2,
      objectsWritten: 7,
      dataFreshnessMs: 1_250,
    });
    const live = {
      progress: { stats, elapsedMs: 2_000 },
      counts: stageCounts(100, pipe, delivery),
      delivery,
    };
    expect(formatLiveStatus(live, { count: undefined, rate: 50 })).toBe(
      '100 changes · 50/s · +60 ~30 -10 · captured 90 (10 behind) · delivered 80 (8 behind, freshness 1.3 s) · failed 2 · 7 files',
    );
    delivery.lastWriteError = 'EACCES';
    expect(formatLiveStatus(live, { count: undefined, rate: 50 })).toMatch(
      / · 7 files · lake write failing, retrying: EACCES$/,
    );
  });

  it('says what a resumed run carried over from an earlier one, and nothing when the counts match', () => {
    const said = (generated: number, recordsPut: number, recordsIn: number) => {
      const { pipe, delivery } = stages(recordsPut, { recordsIn });
      return formatCarriedOver(carriedOver(generated, pipe, delivery));
    };
    expect(said(100, 100, 100)).toBe('');
    expect(said(100, 90, 90)).toBe(''); // behind is not carried over
    expect(said(100, 130, 130)).toBe(
      'Carried over from an earlier run: the pipe captured 30 changes an earlier run wrote.',
    );
    expect(said(100, 100, 112)).toBe(
      'Carried over from an earlier run: the delivery took 12 records an earlier run put on Kinesis.',
    );
    expect(said(100, 130, 142)).toBe(
      'Carried over from an earlier run: the pipe captured 30 changes an earlier run wrote; ' +
        'the delivery took 12 records an earlier run put on Kinesis.',
    );
  });

  it('says which stage did not catch up in the drain', () => {
    expect(formatStageBehind('pipe', 30_000)).toBe(
      'The pipe did not catch up within 30 s; it resumes on the next run.',
    );
    expect(formatStageBehind('delivery', 30_000)).toBe(
      'The delivery did not catch up within 30 s; it resumes on the next run.',
    );
  });
});
