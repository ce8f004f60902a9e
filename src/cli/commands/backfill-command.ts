import { resolve } from 'node:path';
import { Command } from 'commander';
import { DEFAULT_TABLE_NAME } from '../../aws/resource-names.ts';
import { backfill } from '../../lake/backfill.ts';
import { LocalDiskStore } from '../../lake/local-disk-store.ts';
import { backfillCheckpointFile, lakeFolder } from '../../local/data-dir.ts';
import { preflightDataDir, resolveExistingDataDir } from '../../local/data-dir-preflight.ts';
import { connectToClients } from '../../twin/stack-connection.ts';
import { parseFolder, parseTableName } from '../option-parsers.ts';
import { addDataDirOption } from '../shared-options.ts';
import { StatusLine } from '../status-line.ts';

export function backfillCommand(): Command {
  const command = new Command('backfill')
    .summary('snapshot the rows already in the table into the lake, so capture starts with no gap')
    .description(
      'Scans the orders table and writes each item to the lake as an INSERT row that loses to any captured change of ' +
        'the same order (sequence number 0), so current_orders is complete even for rows written before the pipeline ' +
        'started (DynamoDB Streams keep only 24 hours). Resumable: an interrupted run continues where it stopped; a ' +
        'finished one is not repeated (delete <data-dir>/checkpoints/backfill-<table>.json to run it again).',
    )
    .option('--table <name>', 'orders table', parseTableName, DEFAULT_TABLE_NAME)
    .option('--lake-dir <dir>', 'the lake folder (default: <data-dir>/lake)', parseFolder('--lake-dir'));
  addDataDirOption(command);
  return command.action(async (options: { table: string; dataDir: string; lakeDir?: string }) => {
    const dataDir = await resolveExistingDataDir(options.dataDir);
    const clients = await connectToClients({ target: 'local', dataDir });
    const line = new StatusLine();
    try {
      await preflightDataDir(dataDir, {
        checkpointDirs: [],
        folders: options.lakeDir ? [options.lakeDir] : [],
      });
      const lake = new LocalDiskStore(resolve(options.lakeDir ?? lakeFolder(dataDir)));
      const result = await backfill(clients.dynamodb, options.table, lake, {
        checkpointFile: backfillCheckpointFile(dataDir, options.table),
        onProgress: (items) => line.update(`backfill: ${items} items written to ${lake.root}`),
      });
      line.done();
      console.log(
        result.objects === 0 && result.resumed
          ? `Backfill of ${options.table} was already done (${result.items} items).`
          : `Backfill of ${options.table}: ${result.items} items in ${result.objects} objects under ${lake.root}` +
              (result.resumed ? ' (resumed)' : ''),
      );
    } finally {
      line.done();
      clients.destroy();
    }
  });
}
