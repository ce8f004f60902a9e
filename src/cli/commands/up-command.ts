import { Command, Option } from 'commander';
import { InvalidOptionError } from '../../errors/pipeline-error.ts';
import { preflightDataDir } from '../../local/data-dir-preflight.ts';
import { parseCount, parsePort, parseWholeInRange } from '../option-parsers.ts';
import { addGeneratorOptions, addStackOptions } from '../shared-options.ts';
import type { UpOptions } from './up-action.ts';

export function upCommand(): Command {
  const command = new Command('up')
    .summary('the main job: start the local stack, feed it live order changes and capture them (npm start)')
    .description(
      'Starts the local stack (as `gadget-cdc local`), the pipe (as `gadget-cdc pipe`: the table’s stream → Kinesis) and ' +
        'the delivery (as `gadget-cdc deliver`: Kinesis → transform → <data-dir>/lake), then generates order changes into ' +
        'the orders table with a live status line (generated, captured, delivered, failed, what each stage is behind, ' +
        'lake freshness, files) until Ctrl-C. It then drains the writes in flight, lets the pipe and the delivery catch ' +
        'up, stops every server and prints a summary: each stage, freshness p50/p99 (write confirmed → visible in ' +
        'current_orders) and the central invariant — current_orders checked against a full scan of the table (exit 1 ' +
        'on a mismatch). With --orders N --exit-when-drained it is a bounded run that does all that by itself. Run it ' +
        'again and it resumes from --data-dir.',
    );
  addStackOptions(command);
  addGeneratorOptions(command);
  command
    .addOption(
      new Option('--orders <n>', 'the same as --count: stop generating after this many order changes')
        .argParser(parseCount('--orders'))
        .conflicts('count'),
    )
    .option(
      '--dashboard-port <port>',
      'port of the live dashboard on 127.0.0.1 (default: a free one)',
      parsePort,
    )
    .option('--no-dashboard', 'do not serve the live dashboard')
    .option(
      '--compact-every <seconds>',
      "merge the lake's small objects this often while running (0: never; `gadget-cdc compact` does it by hand)",
      parseWholeInRange('--compact-every', 'seconds', 0, 86_400),
      60,
    )
    .option(
      '--exit-when-drained',
      'with --orders/--count: drain, check and exit once they are written (default: run on until Ctrl-C)',
      false,
    );
  return command.action(async (options: UpOptions & { orders?: number }) => {
    const count = options.orders ?? options.count;
    if (options.exitWhenDrained && count === undefined) {
      throw new InvalidOptionError(
        'cli',
        '--exit-when-drained ends a bounded run: add --orders <n> (how many order changes to write).',
      );
    }
    // Before anything starts or writes: a data dir that cannot work fails here, in one line.
    await preflightDataDir(options.dataDir, { startsStack: true });
    await (await import('./up-action.ts')).upAction({ ...options, count });
  });
}
