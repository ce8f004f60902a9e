import { Command } from 'commander';
import type { StackOptions } from '../../twin/stack-start.ts';
import { addStackOptions } from '../shared-options.ts';

export function redriveCommand(): Command {
  const command = new Command('redrive')
    .summary('send the records under errors/ back through the current transform, after a fix')
    .description(
      'Reads each object under <data-dir>/lake/errors/: records the transform failed go through the transform as it ' +
        'is now, rows the Parquet conversion rejected through the conversion again. What lands is written to the ' +
        'lake first, then its error object is rewritten with only the records that still fail (or removed). One ' +
        'object at a time, so a redrive cut short (Ctrl-C) goes on where it stopped when run again. Uses the stack ' +
        'running from --data-dir, or starts one for the while, and ends with the central invariant check (exit 1 on ' +
        'a mismatch).',
    );
  addStackOptions(command);
  return command.action(async (options: StackOptions) =>
    (await import('./redrive-action.ts')).redriveAction(options),
  );
}
