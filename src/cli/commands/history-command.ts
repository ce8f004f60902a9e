import { Command, Option } from 'commander';
import { existingLake } from '../lake-location.ts';
import { addDataDirOption } from '../shared-options.ts';

export function historyCommand(): Command {
  const command = new Command('history')
    .summary('every change of one order in stream order, what each changed, and how it stands now')
    .argument('<orderid>', 'the order, e.g. ORD-1A2B3C4D5E6F')
    .description(
      'Shows every change event of one order from the lake in stream order (by sequence number): its kind ' +
        '(INSERT, MODIFY, REMOVE, or SNAPSHOT from a backfill), its stream time, what it changed (old → new) and ' +
        "the order's columns after it; then the order as current_orders has it now, or that it is deleted. " +
        'Copies of a change delivered twice are shown once.',
    )
    .option('--lake-dir <dir>', 'the lake folder (default: <data-dir>/lake)')
    .addOption(new Option('--format <format>', 'output').choices(['table', 'json']).default('table'));
  addDataDirOption(command);
  return command.action(
    async (orderid: string, options: { dataDir: string; lakeDir?: string; format: 'table' | 'json' }) => {
      const { lakeDir } = await existingLake(options);
      await (await import('./history-action.ts')).historyAction(lakeDir, orderid, options.format);
    },
  );
}
