import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { DuckDbLake } from '../../catalog/duckdb-lake.ts';
import { TABLE_PREFIX } from '../../catalog/lake-layout.ts';
import { plainValue } from '../../catalog/plain-value.ts';
import { ShardCheckpointStore } from '../../checkpoint/shard-checkpoints.ts';
import type { PipelineError } from '../../errors/pipeline-error.ts';
import { LocalDiskStore } from '../../lake/local-disk-store.ts';
import { checkpointFolder, lakeFolder } from '../../local/data-dir.ts';
import { resolveExistingDataDir } from '../../local/data-dir-preflight.ts';
import { DamagedStateFileError } from '../../local/local-stack-errors.ts';
import { findRunningStack } from '../../local/stack-lock.ts';
import { runStatusFile, runStatusLines } from '../../observe/run-status.ts';
import { addDataDirOption } from '../shared-options.ts';

export function statusCommand(): Command {
  const command = new Command('status')
    .summary('what a data dir holds: the stack, each stage’s checkpoints, the lake and its freshness')
    .description(
      'Reports on a data dir, running or stopped: whether the local stack runs (and where), the last `up` run’s ' +
        'numbers as its live line shows them (generated, captured, delivered, failed, behind, freshness, files) and ' +
        'how it ended, the pipe’s and the ' +
        'delivery’s checkpoints per shard, and the lake — objects, bytes, change events by kind, duplicate deliveries, ' +
        'orders standing now, and how old the newest change in it is.',
    );
  addDataDirOption(command);
  return command.action(async (options: { dataDir: string }) => {
    const report = await statusReport(await resolveExistingDataDir(options.dataDir));
    console.log(report.lines.join('\n'));
    // The rest of the report is shown; the first part that could not be read ends the command with its error.
    if (report.problems[0]) throw report.problems[0];
  });
}

export interface StatusReport {
  readonly lines: string[];
  /** Parts of the data dir that could not be read; the report says so where they would be. */
  readonly problems: PipelineError[];
}

export async function statusReport(dataDir: string): Promise<StatusReport> {
  const lines = [`Data dir ${dataDir}`];
  const problems: PipelineError[] = [];
  const stack = await findRunningStack(dataDir);
  lines.push(
    stack
      ? `  local stack: running (pid ${stack.pid}) — DynamoDB Local ${stack.dynamodbEndpoint}, Kinesis ${stack.kinesisEndpoint}`
      : '  local stack: stopped',
  );
  try {
    lines.push(...runStatusLines(dataDir));
  } catch (error) {
    if (!(error instanceof DamagedStateFileError)) throw error;
    lines.push(`  up: the last run's report ${runStatusFile(dataDir)} cannot be read (see the error below)`);
    problems.push(error);
  }
  for (const stage of ['pipe', 'delivery'] as const)
    lines.push(...(await checkpointLines(dataDir, stage, stack !== undefined)));
  lines.push(...(await lakeLines(lakeFolder(dataDir))));
  return { lines, problems };
}

/**
 * Every `shards/` folder under `<data-dir>/checkpoints/<stage>/`, one line per shard. A shard's in-flight mark
 * is a batch on its way while the stack runs, and what a crash left (to be replayed) once it does not.
 */
async function checkpointLines(
  dataDir: string,
  stage: 'pipe' | 'delivery',
  running: boolean,
): Promise<string[]> {
  const root = checkpointFolder(dataDir, stage);
  if (!existsSync(root)) return [`  ${stage}: no checkpoints yet`];
  const lines: string[] = [];
  for (const source of readdirSync(root)) {
    const shards = join(root, source, 'shards');
    if (!existsSync(shards)) continue;
    for (const checkpoint of (await new ShardCheckpointStore(shards).loadAll()).values()) {
      const state = checkpoint.finished ? 'finished' : (checkpoint.sequenceNumber ?? 'nothing yet');
      const replay = !checkpoint.inFlightThrough
        ? ''
        : running
          ? ` (a batch up to ${checkpoint.inFlightThrough} on its way)`
          : ` (a crash left records up to ${checkpoint.inFlightThrough} in flight: the next run sends them again)`;
      lines.push(`  ${stage} ${source} ${checkpoint.shardId}: ${state}, at ${checkpoint.updatedAt}${replay}`);
    }
  }
  return lines.length > 0 ? lines : [`  ${stage}: no checkpoints yet`];
}

async function lakeLines(lakeDir: string): Promise<string[]> {
  const lake = await DuckDbLake.open(lakeDir);
  try {
    const objects = existsSync(lakeDir) ? await new LocalDiskStore(lakeDir).list(TABLE_PREFIX) : [];
    const bytes = objects.reduce((sum, object) => sum + object.size, 0);
    const [events] = await lake.rows(
      `SELECT count(*) AS rows, count(DISTINCT event_id) AS events, max(updated_at) AS newest,
        count(DISTINCT CASE WHEN cdc_event_type = 'INSERT' THEN event_id END) AS inserts,
        count(DISTINCT CASE WHEN cdc_event_type = 'MODIFY' THEN event_id END) AS modifies,
        count(DISTINCT CASE WHEN cdc_event_type = 'REMOVE' THEN event_id END) AS removes,
        count(DISTINCT CASE WHEN unrepresentable IS NOT NULL THEN event_id END) AS unrepresentable
      FROM orders_cdc`,
    );
    const [current] = await lake.rows('SELECT count(*) AS orders FROM current_orders');
    const n = (value: unknown) => Number(plainValue(value) ?? 0);
    // updated_at has milliseconds (stream times are minute-truncated on DynamoDB Local).
    const newest = Date.parse(String(events?.newest ?? ''));
    const freshness = Number.isNaN(newest)
      ? 'no changes yet'
      : `newest change written ${((Date.now() - newest) / 1000).toFixed(1)} s ago`;
    return [
      `  lake ${lakeDir}: ${objects.length} objects, ${(bytes / 1024 / 1024).toFixed(2)} MiB; ${n(events?.events)} change events ` +
        `(${n(events?.inserts)} INSERT, ${n(events?.modifies)} MODIFY, ${n(events?.removes)} REMOVE), ` +
        `${n(events?.rows) - n(events?.events)} duplicate deliveries; ${n(current?.orders)} orders in current_orders; ${freshness}`,
      ...(n(events?.unrepresentable) > 0
        ? [
            `  ${n(events?.unrepresentable)} change events have a value a column cannot hold (NULL there and named in ` +
              '`unrepresentable`, exact in image_json)',
          ]
        : []),
    ];
  } finally {
    lake.close();
  }
}
