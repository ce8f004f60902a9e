import { Command } from 'commander';
import { existingLake } from '../lake-location.ts';
import { parsePort } from '../option-parsers.ts';
import { addDataDirOption } from '../shared-options.ts';

export function dashboardCommand(): Command {
  const command = new Command('dashboard')
    .summary('serve the live dashboard over an existing data dir (gadget-cdc up serves it too)')
    .description(
      'Serves the dashboard page on 127.0.0.1 over the lake of --data-dir, running or stopped: sales, the CDC flow, ' +
        'the lake’s health and failures, the projection and a read-only SQL console. It follows the lake as it grows ' +
        '(with the last `up` run’s own numbers, as `gadget-cdc status` shows them). Ctrl-C stops it.',
    )
    .option('--lake-dir <dir>', 'the lake folder (default: <data-dir>/lake)')
    .option('--port <port>', 'port on 127.0.0.1 (default: a free one)', parsePort);
  addDataDirOption(command);
  return command.action(async (options: { dataDir: string; lakeDir?: string; port?: number }) => {
    const lake = await existingLake(options);
    await (await import('./dashboard-action.ts')).dashboardAction({ ...lake, port: options.port ?? 0 });
  });
}
