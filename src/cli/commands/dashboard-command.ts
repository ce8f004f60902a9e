import { Command, Option } from 'commander';
import { z } from 'zod';
import { addAwsLakeOptions } from '../aws-lake-options.ts';
import { existingLake } from '../lake-location.ts';
import { parseBySchema, parsePort, parseWholeInRange, toNumber } from '../option-parsers.ts';
import { addDataDirOption } from '../shared-options.ts';
import type { AwsDashboardOptions } from './dashboard-action.ts';

/**
 * On Athena a refresh comes at least a minute after the one before: Firehose buffers at least 60 s before it
 * writes an object with dynamic partitioning and Parquet (README, On AWS), so a refresh sooner could only find
 * the lake as it was, and each one still lists the bucket and asks CloudWatch for the alarms.
 */
const MIN_REFRESH_SECONDS = 60;
/** Athena's price per TB scanned in most regions (src/catalog/athena-cost.ts cites AWS's pricing page). */
const DEFAULT_PRICE_PER_TB_USD = 5;

interface DashboardCommandOptions extends Omit<AwsDashboardOptions, 'refreshMs' | 'port'> {
  target: 'local' | 'aws';
  port?: number;
  dataDir: string;
  lakeDir?: string;
  refresh: number;
}

export function dashboardCommand(): Command {
  const command = new Command('dashboard')
    .summary(
      'serve the live dashboard over a data dir (gadget-cdc up serves it too), or over the deployed stack',
    )
    .description(
      'Serves the dashboard page on 127.0.0.1: sales, the CDC flow, pipeline health, the projection and a read-only ' +
        'SQL console. --target local (the default) reads the lake of --data-dir, running or stopped, and follows it ' +
        'as it grows (with the last `up` run’s own numbers, as `gadget-cdc status` shows them). --target aws reads ' +
        'the deployed stack (`npm run deploy`, --stack): the same panels from the same SQL in Athena, the health ' +
        'panel from CloudWatch (each stage’s metrics, the alarms), the console on Athena; Athena runs only when ' +
        'the lake has a new object, and the page shows what it scans and costs. Ctrl-C stops it.',
    )
    .addOption(
      new Option(
        '--target <target>',
        'where the lake is: local = DuckDB over --lake-dir, aws = the deployed stack',
      )
        .choices(['local', 'aws'])
        .default('local'),
    )
    .option('--lake-dir <dir>', 'the lake folder, for --target local (default: <data-dir>/lake)')
    .option('--port <port>', 'port on 127.0.0.1 (default: a free one)', parsePort)
    .option(
      '--refresh <seconds>',
      `seconds from one refresh to the next, for --target aws (at least ${MIN_REFRESH_SECONDS}: Firehose buffers ` +
        'at least 60 s before it writes an object)',
      parseWholeInRange('--refresh', 'seconds', MIN_REFRESH_SECONDS, 3_600),
      MIN_REFRESH_SECONDS,
    )
    .option(
      '--price-per-tb <usd>',
      "Athena's price per TB scanned in the stack's region, for the costs the page shows, for --target aws",
      parseBySchema('--price-per-tb', z.number().positive().max(1_000), {
        convert: toNumber,
        note: ' (US dollars)',
      }),
      DEFAULT_PRICE_PER_TB_USD,
    );
  addAwsLakeOptions(command);
  addDataDirOption(command);
  return command.action(
    async ({ target, dataDir, lakeDir, port = 0, refresh, ...aws }: DashboardCommandOptions) => {
      if (target === 'aws') {
        await (await import('./dashboard-action.ts')).awsDashboardAction({
          ...aws,
          port,
          refreshMs: refresh * 1000,
        });
        return;
      }
      const lake = await existingLake({ dataDir, lakeDir });
      await (await import('./dashboard-action.ts')).dashboardAction({ ...lake, port });
    },
  );
}
