import { Command, Option } from 'commander';
import { addAwsLakeOptions } from '../aws-lake-options.ts';
import { parseWholeInRange } from '../option-parsers.ts';
import { addStackOptions } from '../shared-options.ts';
import type { CheckCommandOptions } from './check-action.ts';

/** The lake's freshness bound on AWS, by default: the stack buffers 60 s, then 15 s in the transform's batch. */
export const AWS_SETTLE_SECONDS = 300;

export function checkCommand(): Command {
  const command = new Command('check')
    .summary('prove the lake matches the table: current_orders vs a full scan, lost / unexpected / different')
    .description(
      'Compares `current_orders` in the lake with a full scan of the orders table, item by item with every number ' +
        'exact, and prints the orders lost (in the table, not the lake), unexpected (in the lake, not the table) ' +
        'and different, with examples; exit 1 on a mismatch. --target local (the default) checks the data dir: ' +
        'its running stack, or one started for the while. --target aws checks the deployed stack: a parallel, ' +
        'rate-limited Scan against `current_orders` in Athena. Changes still on their way are not counted: an ' +
        'order that differs is looked at again --settle seconds after the scan, and counts only if it still ' +
        'differs and its item did not change meanwhile (orders that changed are reported apart).',
    )
    .addOption(
      new Option('--target <target>', 'where the pipeline is: local = the data dir, aws = the deployed stack')
        .choices(['local', 'aws'])
        .default('local'),
    )
    .option(
      '--settle <seconds>',
      `how long the lake has for a change before it counts as missing (default: ${AWS_SETTLE_SECONDS} with --target ` +
        'aws, above the stack’s buffering; 0 locally, where the check runs on a drained pipeline)',
      parseWholeInRange('--settle', 'seconds', 0, 3_600),
    )
    .option(
      '--segments <n>',
      'parallel Scan segments',
      parseWholeInRange('--segments', 'segments', 1, 1_000),
      4,
    )
    .option(
      '--max-read-units <n>',
      'most read capacity units per second the scan may use, so it never starves the table',
      parseWholeInRange('--max-read-units', 'read units per second', 1, 1_000_000),
      500,
    );
  addStackOptions(command);
  addAwsLakeOptions(command);
  return command.action(async (options: CheckCommandOptions) =>
    (await import('./check-action.ts')).checkAction(options, command.getOptionValueSource('table') === 'cli'),
  );
}
