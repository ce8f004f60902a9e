import { Command } from 'commander';
import { preflightDataDir } from '../../local/data-dir-preflight.ts';
import type { StackOptions } from '../../twin/stack-start.ts';
import { startStackWithResources } from '../../twin/stack-start.ts';
import { abortOnInterrupt } from '../interrupt.ts';
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
    const interrupt = abortOnInterrupt();
    try {
      const { stack } = await startStackWithResources({ ...options, abortSignal: interrupt.signal });
      try {
        console.log('Local stack running. Ctrl-C stops it.');
        const stopped = new Promise<undefined>((resolve) => {
          if (interrupt.signal.aborted) resolve(undefined);
          interrupt.signal.addEventListener('abort', () => resolve(undefined), { once: true });
        });
        const crash = await Promise.race([stopped, stack.crashed]);
        if (crash) throw crash;
      } finally {
        await stack.stop();
        console.log('Local stack stopped.');
      }
    } finally {
      interrupt.dispose();
    }
  });
}
