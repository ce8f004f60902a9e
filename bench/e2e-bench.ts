import { parseArgs } from 'node:util';
import { DEFAULT_STREAM_NAME, DEFAULT_TABLE_NAME } from '../src/aws/resource-names.ts';
import { DEFAULT_MIX } from '../src/generator/change-mix.ts';
import { totalWritten } from '../src/generator/write-stats.ts';
import { formatFreshness } from '../src/observe/change-freshness.ts';
import { holds } from '../src/observe/current-orders-check.ts';
import { type LocalPipelineResult, runLocalPipeline } from '../src/twin/local-pipeline.ts';
import { makeTempDir } from '../test/helpers/temp-dir.ts';
import { formatLakeQueryFigures, lakeQueryFigures } from './lake-query-bench.ts';

const USAGE =
  'npm run bench e2e [-- --live-changes 15000] [--sustained-changes 20000] [--events 1000000,10000000] [--runs 3]';

/**
 * The whole pipeline, measured:
 * 1. freshness at 500 changes/s asked: `gadget-cdc up`'s own run (the real local stack, pipe, delivery with its
 *    default hints) timing each change from DynamoDB's confirmation to the durable lake object holding its row
 *    (from then on `current_orders` shows it) — p50/p99;
 * 2. sustained changes/s: the same run with the generator unthrottled, from the first change to the end of the
 *    drain (every change in the lake, the invariant checked);
 * 3. `revenue_by_product` over 1M and 10M events as Parquet vs JSON lines, with lake bytes per event.
 */
export async function e2eBenchmark(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      'live-changes': { type: 'string', default: '15000' },
      'sustained-changes': { type: 'string', default: '20000' },
      events: { type: 'string', default: '1000000,10000000' },
      runs: { type: 'string', default: '3' },
    },
  });
  const whole = (name: string, text: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`--${name} takes a whole number ≥ 0, got ${text}. ${USAGE}`);
    return n;
  };
  const liveChanges = whole('live-changes', values['live-changes']);
  const sustainedChanges = whole('sustained-changes', values['sustained-changes']);
  const eventCounts = values.events
    .split(',')
    .filter(Boolean)
    .map((n) => whole('events', n));
  const runs = Math.max(1, whole('runs', values.runs));

  console.log('e2e benchmark');
  if (liveChanges > 0) {
    const live = await pipelineRun(liveChanges, 500);
    console.log(
      `  at 500 changes/s asked (${live.generator.achievedRate.toFixed(0)}/s achieved by the generator):`,
    );
    console.log(`    ${formatFreshness(live.freshness)}`);
    console.log(`    ${verdict(live)}`);
  }
  if (sustainedChanges > 0) {
    const max = await pipelineRun(sustainedChanges, 'max');
    const changes = totalWritten(max.generator.stats);
    console.log(
      `  sustained, generator unthrottled: ${changes} changes written → in the lake and checked in ${(max.elapsedMs / 1000).toFixed(1)} s = ` +
        `${(changes / (max.elapsedMs / 1000)).toFixed(0)} changes/s through the whole pipeline ` +
        `(the generator itself wrote ${max.generator.achievedRate.toFixed(0)}/s into DynamoDB Local meanwhile)`,
    );
    console.log(`    ${formatFreshness(max.freshness)}`);
    console.log(`    ${verdict(max)}`);
  }
  for (const events of eventCounts) {
    const dir = makeTempDir('bench-lake-query');
    try {
      console.log(`  query over ${events.toLocaleString('en-US')} events (building the lakes…)`);
      for (const line of formatLakeQueryFigures(await lakeQueryFigures(dir.path, events, runs)))
        console.log(line);
    } finally {
      dir.remove();
    }
  }
}

/** One bounded `up` run in a fresh data dir, its story muted. */
async function pipelineRun(count: number, rate: number | 'max'): Promise<LocalPipelineResult> {
  const dir = makeTempDir('bench-e2e');
  try {
    return await runLocalPipeline(
      {
        dataDir: dir.path,
        table: DEFAULT_TABLE_NAME,
        stream: DEFAULT_STREAM_NAME,
        shards: 2,
        rate,
        count,
        seed: 'bench-e2e',
        mix: DEFAULT_MIX,
        writeMode: 'batch',
        concurrency: 8,
        exitWhenDrained: true,
      },
      new AbortController().signal,
      () => undefined,
    );
  } finally {
    dir.remove();
  }
}

function verdict(result: LocalPipelineResult): string {
  const { check } = result;
  return holds(check)
    ? `invariant holds: ${check.currentOrders} orders in current_orders = the table's scan, ${check.duplicateDeliveries} duplicates`
    : `INVARIANT BROKEN: lost ${check.lost.length}, unexpected ${check.unexpected.length}, different ${check.different.length}`;
}
