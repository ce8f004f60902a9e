import { resolve } from 'node:path';
import { backfill } from '../../lake/backfill.ts';
import { LocalDiskStore } from '../../lake/local-disk-store.ts';
import { backfillCheckpointFile, lakeFolder } from '../../local/data-dir.ts';
import { preflightDataDir } from '../../local/data-dir-preflight.ts';
import { connectToClients } from '../../twin/stack-connection.ts';
import { StatusLine } from '../status-line.ts';

export interface BackfillOptions {
  table: string;
  /** A data dir that holds a pipeline, absolute once checked. */
  dataDir: string;
  lakeDir?: string;
}

/** `gadget-cdc backfill` from a checked data dir: the table's items into the lake as SNAPSHOT rows, resumable. */
export async function backfillAction(options: BackfillOptions): Promise<void> {
  const { dataDir } = options;
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
}
