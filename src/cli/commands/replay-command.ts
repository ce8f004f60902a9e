import { Command, Option } from 'commander';
import type { ReplayStart } from '../../twin/replay.ts';
import type { StackOptions } from '../../twin/stack-start.ts';
import { OptionValueError } from '../option-parsers.ts';
import { addStackOptions } from '../shared-options.ts';

export function replayCommand(): Command {
  const command = new Command('replay')
    .summary('rebuild the lake from the Kinesis stream: re-read it from a time through the transform')
    .description(
      'Reads every shard of the Kinesis stream again from --from (its oldest record kept: TRIM_HORIZON, or the first ' +
        'at or after an ISO time) through the current transform into the lake, the way the delivery does, so a lost ' +
        'or damaged lake object, or rows a transform bug wrote, can be rebuilt. Rows already in the lake come again: ' +
        'harmless, as every view dedupes on event_id. Kinesis keeps records 24 h (the local server keeps them in ' +
        '<data-dir>/kinesis). Uses the stack running from --data-dir, or starts one for the while. Resumable: cut ' +
        'short (Ctrl-C), the same command goes on where it stopped. Ends with the central invariant check ' +
        '(exit 1 on a mismatch).',
    )
    .addOption(
      new Option('--from <TRIM_HORIZON|time>', 'where to start: TRIM_HORIZON or an ISO-8601 time')
        .argParser(parseReplayStart)
        .makeOptionMandatory(),
    );
  addStackOptions(command);
  return command.action(async (options: StackOptions & { from: ReplayStart }) =>
    (await import('./replay-action.ts')).replayAction(options),
  );
}

function parseReplayStart(value: string): ReplayStart {
  if (value === 'TRIM_HORIZON') return { position: 'TRIM_HORIZON' };
  const timestampMs = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(timestampMs)) {
    throw new OptionValueError(
      `--from is TRIM_HORIZON or an ISO-8601 time (e.g. 2026-12-01T09:30:00Z), got ${JSON.stringify(value)}.`,
    );
  }
  return { timestampMs };
}
