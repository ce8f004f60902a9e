import { existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ERRORS_PREFIX, TABLE_PREFIX } from '../catalog/lake-layout.ts';
import type { DeliveryMetrics } from '../delivery/delivery-metrics.ts';
import type { FirehoseErrorRecord } from '../delivery/error-record.ts';
import { LocalDiskStore } from '../lake/local-disk-store.ts';
import { DamagedStateFileError } from '../local/local-stack-errors.ts';
import { describeRunState, readRunStatus } from '../local/run-status.ts';
import type { ChangeFreshness } from '../observe/change-freshness.ts';
import { stageCounts } from '../observe/stage-counts.ts';
import type { PipeMetrics } from '../pipe/pipe-metrics.ts';

/** The running pipeline, as `gadget-cdc up` hands it to the dashboard. */
export interface LivePipeline {
  /** Changes DynamoDB confirmed so far this run. */
  generated(): number;
  readonly pipe: PipeMetrics;
  readonly delivery: DeliveryMetrics;
  readonly freshness: ChangeFreshness;
}

export interface StageHealth {
  readonly stage: string;
  /** null when this view cannot know it (a stopped data dir has no live counters). */
  readonly count: number | null;
  /** What the stage still owes the next one. */
  readonly behind: number | null;
  readonly note: string;
}

export interface ErrorRecordView {
  readonly key: string;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly arrival: string;
  /** The original record, decoded from base64 (cut at 400 characters). */
  readonly data: string;
}

export interface HealthPanel {
  readonly source: 'live' | 'data dir';
  /** Over a data dir: the last `up` run there, as `gadget-cdc status` tells it (state, its live line). */
  readonly run?: { readonly state: string; readonly line: string };
  readonly stages: readonly StageHealth[];
  readonly millisBehind: { readonly pipe: number | null; readonly delivery: number | null };
  readonly freshness: {
    /** Firehose's DataFreshness: the age of the oldest record not yet in the lake. */
    readonly dataFreshnessMs: number | null;
    /** Write confirmed → visible, over this run's changes. */
    readonly p50Ms: number | null;
    readonly p99Ms: number | null;
  };
  readonly lake: { readonly objects: number; readonly bytes: number; readonly errorObjects: number };
  /** The newest records sent to the error prefix. */
  readonly errors: readonly ErrorRecordView[];
}

const SHOWN_ERRORS = 10;

/**
 * The engineer's half of the page: each stage's counters and lag from the running workers (`live`), or, over
 * a data dir, what the lake tells (`lakeEvents`: change events in it, and those with unrepresentable values)
 * and what the last `up` run there published (`dataDir`).
 */
export async function pipelineHealth(
  lakeDir: string,
  live: LivePipeline | undefined,
  lakeEvents: { readonly events: number; readonly unrepresentable: number },
  dataDir?: string,
): Promise<HealthPanel> {
  const unrepresentable: StageHealth = {
    stage: 'unrepresentable',
    count: lakeEvents.unrepresentable,
    behind: null,
    note: 'changes in the lake with a value a column cannot hold: NULL there, exact in image_json',
  };
  const store = existsSync(lakeDir) ? new LocalDiskStore(lakeDir) : undefined;
  const objects = (await store?.list(TABLE_PREFIX)) ?? [];
  const errorObjects = (await store?.list(ERRORS_PREFIX)) ?? [];
  const lake = {
    objects: objects.length,
    bytes: objects.reduce((sum, object) => sum + object.size, 0),
    errorObjects: errorObjects.length,
  };
  const errors = store
    ? await newestErrors(
        store,
        errorObjects.map((object) => object.key),
      )
    : [];
  if (!live) {
    const run = dataDir ? lastRun(dataDir) : undefined;
    return {
      source: 'data dir',
      ...(run && { run }),
      stages: [
        { stage: 'delivered', count: lakeEvents.events, behind: null, note: 'change events in the lake' },
        { stage: 'failed', count: null, behind: null, note: `${lake.errorObjects} error objects` },
        unrepresentable,
      ],
      millisBehind: { pipe: null, delivery: null },
      freshness: { dataFreshnessMs: null, p50Ms: null, p99Ms: null },
      lake,
      errors,
    };
  }
  const { pipe, delivery } = live;
  const counts = stageCounts(live.generated(), pipe, delivery);
  const freshness = live.freshness.summary();
  return {
    source: 'live',
    stages: [
      { stage: 'generated', count: counts.generated, behind: null, note: 'changes DynamoDB confirmed' },
      {
        stage: 'captured',
        count: counts.captured,
        behind: counts.capturedBehind,
        note: 'put on Kinesis by the pipe',
      },
      {
        stage: 'delivered',
        count: counts.delivered,
        behind: counts.deliveredBehind,
        note: 'rows durable in the lake',
      },
      {
        stage: 'failed',
        count: counts.failed,
        behind: null,
        note: 'records the transform or the Parquet conversion failed (error prefix)',
      },
      unrepresentable,
    ],
    millisBehind: { pipe: pipe.millisBehind, delivery: delivery.millisBehind },
    freshness: {
      dataFreshnessMs: delivery.dataFreshnessMs,
      p50Ms: freshness.p50Ms ?? null,
      p99Ms: freshness.p99Ms ?? null,
    },
    lake,
    errors,
  };
}

/** The last records of the newest error objects (keys sort by time: the prefix holds the hour, the name the second). */
async function newestErrors(store: LocalDiskStore, keys: readonly string[]): Promise<ErrorRecordView[]> {
  const shown: ErrorRecordView[] = [];
  for (const key of [...keys].sort().reverse()) {
    let body = Buffer.from(await store.get(key));
    if (key.endsWith('.gz')) body = gunzipSync(body);
    const lines = body.toString('utf8').split('\n').filter(Boolean).reverse();
    for (const line of lines) {
      // Processing failures spell their fields errorCode/errorMessage, conversion failures ErrorCode/ErrorMessage.
      const record = JSON.parse(line) as FirehoseErrorRecord & { ErrorCode?: string; ErrorMessage?: string };
      shown.push({
        key,
        errorCode: record.errorCode ?? record.ErrorCode ?? '',
        errorMessage: record.errorMessage ?? record.ErrorMessage ?? '',
        arrival: new Date(record.arrivalTimestamp).toISOString(),
        data: Buffer.from(record.rawData, 'base64').toString('utf8').slice(0, 400),
      });
      if (shown.length === SHOWN_ERRORS) return shown;
    }
  }
  return shown;
}

/** The last `up` run over the data dir as the page shows it; a damaged report is said to be one, not fatal. */
function lastRun(dataDir: string): HealthPanel['run'] {
  try {
    const run = readRunStatus(dataDir);
    return run && { state: describeRunState(run), line: run.line };
  } catch (error) {
    if (error instanceof DamagedStateFileError) return { state: 'report unreadable', line: error.message };
    throw error;
  }
}
