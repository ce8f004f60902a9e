import { Command } from 'commander';
import { partitionPrefix } from '../../catalog/lake-layout.ts';
import { compactLake } from '../../lake/compact.ts';
import { LocalDiskStore } from '../../lake/local-disk-store.ts';
import { existingLake } from '../lake-location.ts';
import { addDataDirOption } from '../shared-options.ts';

export function compactCommand(): Command {
  const command = new Command('compact')
    .summary('merge the lake’s small Parquet files, one per dt partition (safe while the delivery runs)')
    .description(
      `Merges the small Parquet objects of each ${partitionPrefix('…')} partition of the lake into one, rows kept exactly ` +
        '(copies of the same event once). The merged object is written whole before its inputs are deleted, and the ' +
        'delivery only ever adds new objects, so it is safe to run while `gadget-cdc up` or `deliver` runs.',
    )
    .option('--lake-dir <dir>', 'the lake folder (default: <data-dir>/lake)');
  addDataDirOption(command);
  return command.action(async (options: { dataDir: string; lakeDir?: string }) => {
    const lake = new LocalDiskStore((await existingLake(options)).lakeDir);
    const results = await compactLake(lake);
    if (results.length === 0)
      console.log(`Nothing to compact in ${lake.root}: no partition has two small files.`);
    for (const result of results) {
      console.log(
        `${result.partition}: ${result.filesBefore} files, ${result.rowsBefore} rows → 1 file, ${result.rowsAfter} rows` +
          (result.rowsBefore > result.rowsAfter
            ? ` (${result.rowsBefore - result.rowsAfter} duplicate copies dropped)`
            : ''),
      );
    }
  });
}
