import { Command } from 'commander';
import { formatGeneratorSummary } from '../generator-report.ts';
import { abortOnInterrupt } from '../interrupt.ts';
import {
  addGeneratorOptions,
  addStackOptions,
  type GeneratorOptions,
  type StackOptions,
} from '../shared-options.ts';
import { runGeneratorWithDisplay } from './generate-command.ts';
import { startStackWithResources } from './local-command.ts';

export function upCommand(): Command {
  const command = new Command('up')
    .summary('the main job: start the local stack and feed it live order changes (npm start)')
    .description(
      'Starts the local stack (as `gadget-cdc local`), then generates order changes into the orders table with a live ' +
        'status line until Ctrl-C (or --count), drains the writes in flight, stops every server and prints a summary. ' +
        'Run it again and it resumes from --data-dir. The capture, delivery and lake stages join it as they land.',
    );
  addStackOptions(command);
  addGeneratorOptions(command, 10);
  return command.action(async (options: StackOptions & GeneratorOptions) => {
    const interrupt = abortOnInterrupt(() =>
      process.stderr.write('\nDraining: finishing the writes in flight…\n'),
    );
    const stack = await startStackWithResources(options);
    try {
      console.log('Generating order changes. Ctrl-C drains and stops.');
      // Stop generating on Ctrl-C, or at once if a server dies (its writes could only fail).
      const stop = new AbortController();
      interrupt.signal.addEventListener('abort', () => stop.abort(), { once: true });
      let crash: Error | undefined;
      void stack.crashed.then((error) => {
        crash = error;
        stop.abort();
      });
      const run = await runGeneratorWithDisplay(stack.clients, options.table, options, stop.signal);
      console.log(formatGeneratorSummary(run));
      if (crash) throw crash;
      if (run.error) process.exitCode = 1;
    } finally {
      await stack.stop();
      interrupt.dispose();
      console.log('Local stack stopped.');
    }
  });
}
