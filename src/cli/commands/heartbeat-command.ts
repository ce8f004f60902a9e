import { Command, Option } from 'commander';
import { addAwsLakeOptions } from '../aws-lake-options.ts';
import { parseTableName, parseWholeInRange } from '../option-parsers.ts';
import type { HeartbeatCommandOptions } from './heartbeat-action.ts';

export function heartbeatCommand(): Command {
  const command = new Command('heartbeat')
    .summary('time write → queryable on the deployed stack: marker items until Athena sees them (p50/p99)')
    .description(
      'Writes a marker item to the orders table every --interval seconds (--markers of them), asks Athena every ' +
        '--poll seconds which it can see, and prints for each the time from its confirmed write to the first ' +
        'query that returned it, then p50, p99 and max. Markers (orderid heartbeat#…) are deleted at the end, ' +
        'however the run ends, and never show in sales analytics. Each poll is one Athena query over the last two ' +
        'days’ partitions (billed at least 10 MB). Exit 1 when a marker was not seen within --timeout. Locally, ' +
        '`gadget-cdc up` already measures every change’s write → visible time.',
    )
    .addOption(
      new Option('--target <target>', 'where the pipeline is (only the deployed stack: aws)')
        .choices(['aws'])
        .makeOptionMandatory(),
    )
    .option(
      '--markers <n>',
      'markers to write (default: 10)',
      parseWholeInRange('--markers', 'markers', 1, 1_000),
      10,
    )
    .option(
      '--interval <seconds>',
      'seconds between markers (default: 10)',
      parseWholeInRange('--interval', 'seconds', 1, 3_600),
      10,
    )
    .option(
      '--poll <seconds>',
      'seconds between Athena queries; the times are to within this (default: 10)',
      parseWholeInRange('--poll', 'seconds', 1, 600),
      10,
    )
    .option(
      '--timeout <seconds>',
      'a marker not seen this long after its write counts as not seen (default: 900)',
      parseWholeInRange('--timeout', 'seconds', 10, 86_400),
      900,
    )
    .option(
      '--table <name>',
      'orders table (default: the one in the deployed stack outputs)',
      parseTableName,
    );
  addAwsLakeOptions(command);
  return command.action(async (options: HeartbeatCommandOptions) =>
    (await import('./heartbeat-action.ts')).heartbeatAction(options),
  );
}
