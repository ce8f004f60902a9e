import { Command } from 'commander';
import { preflightDataDir } from '../../local/data-dir-preflight.ts';
import type { StackOptions } from '../../twin/stack-start.ts';
import { addStackOptions } from '../shared-options.ts';

export function localCommand(): Command {
  const command = new Command('local')
    .summary('run the local AWS twin (DynamoDB Local + Kinesis server) until Ctrl-C')
    .description(
      'Starts DynamoDB Local (Java 17+) and a Kinesis API server over --data-dir, creates the orders table (with its ' +
        'NEW_AND_OLD_IMAGES stream) and the Kinesis stream if missing, prints the endpoints, and runs until Ctrl-C. ' +
        'Other commands (e.g. `gadget-cdc generate`) find it through the data dir.',
    );
  addStackOptions(command);
  return command.action(async (options: StackOptions) => {
    await preflightDataDir(options.dataDir, { startsStack: true });
    await (await import('./local-action.ts')).localAction(options);
  });
}
