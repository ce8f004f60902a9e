import { Command } from 'commander';
import { resolveExistingDataDir } from '../../local/data-dir-preflight.ts';
import { addDataDirOption } from '../shared-options.ts';

export function statusCommand(): Command {
  const command = new Command('status')
    .summary('what a data dir holds: the stack, each stage’s checkpoints, the lake and its freshness')
    .description(
      'Reports on a data dir, running or stopped: whether the local stack runs (and where), the last `up` run’s ' +
        'numbers as its live line shows them (generated, captured, delivered, failed, behind, freshness, files) and ' +
        'how it ended, the pipe’s and the ' +
        'delivery’s checkpoints per shard, and the lake — objects, bytes, change events by kind, duplicate deliveries, ' +
        'orders standing now, and how old the newest change in it is.',
    );
  addDataDirOption(command);
  return command.action(async (options: { dataDir: string }) => {
    const dataDir = await resolveExistingDataDir(options.dataDir);
    await (await import('./status-action.ts')).statusAction(dataDir);
  });
}
