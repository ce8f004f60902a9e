import { Command } from 'commander';
import { CURRENT_STATE_PREFIX, partitionPrefix } from '../../catalog/lake-layout.ts';
import { existingLake } from '../lake-location.ts';
import { addDataDirOption } from '../shared-options.ts';

export function compactCommand(): Command {
  const command = new Command('compact')
    .summary(
      'fold new changes into the current state, merge small Parquet files (safe while the delivery runs)',
    )
    .description(
      'Folds the change events that arrived since the last compaction into the current-state snapshot (the latest ' +
        `event of every order, under ${CURRENT_STATE_PREFIX}), which current_orders reads with whatever arrives after; ` +
        `then merges the small Parquet objects of each ${partitionPrefix('…')} partition into one, rows kept exactly ` +
        '(copies of the same event once). Each object is written whole before anything it replaces is deleted, and ' +
        'the delivery only ever adds new objects, so it is safe to run while `gadget-cdc up` or `deliver` runs, and ' +
        'a compaction cut short leaves a correct current state.',
    )
    .option('--lake-dir <dir>', 'the lake folder (default: <data-dir>/lake)');
  addDataDirOption(command);
  return command.action(async (options: { dataDir: string; lakeDir?: string }) => {
    const { lakeDir } = await existingLake(options);
    await (await import('./compact-action.ts')).compactAction(lakeDir);
  });
}
