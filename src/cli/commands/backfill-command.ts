import { Command } from 'commander';
import { ResourceNamesSchema } from '../../aws/resource-names.ts';
import { resolveExistingDataDir } from '../../local/data-dir-preflight.ts';
import { parseFolder, parseTableName } from '../option-parsers.ts';
import { schemaOption } from '../schema-option.ts';
import { addDataDirOption } from '../shared-options.ts';
import type { BackfillOptions } from './backfill-action.ts';

export function backfillCommand(): Command {
  const command = new Command('backfill')
    .summary('snapshot the rows already in the table into the lake, so capture starts with no gap')
    .description(
      'Scans the orders table and writes each item to the lake as a SNAPSHOT row that loses to any captured change of ' +
        'the same order (sequence number 0), so current_orders is complete even for rows written before the pipeline ' +
        'started (DynamoDB Streams keep only 24 hours), while the change analytics (event mix, sales per minute, ' +
        'changes, cancellations, the projection) leave snapshots out: they are no sales. Resumable: an interrupted run continues where it stopped; a ' +
        'finished one is not repeated (delete <data-dir>/checkpoints/backfill-<table>.json to run it again).',
    )
    .addOption(schemaOption('--table <name>', ResourceNamesSchema.shape.tableName, { parse: parseTableName }))
    .option('--lake-dir <dir>', 'the lake folder (default: <data-dir>/lake)', parseFolder('--lake-dir'));
  addDataDirOption(command);
  return command.action(async (options: BackfillOptions) => {
    const dataDir = await resolveExistingDataDir(options.dataDir);
    await (await import('./backfill-action.ts')).backfillAction({ ...options, dataDir });
  });
}
