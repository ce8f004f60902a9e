import { Command, Option } from 'commander';
import { lakeFolder } from '../../local/data-dir.ts';
import { formatCheck, holds } from '../../observe/current-orders-check.ts';
import { checkSession, withLocalStack } from '../../twin/local-session.ts';
import { describeReplayStart, type ReplayStart, replayStream } from '../../twin/replay.ts';
import type { StackOptions } from '../../twin/stack-start.ts';
import { abortOnInterrupt } from '../interrupt.ts';
import { OptionValueError } from '../option-parsers.ts';
import { addStackOptions } from '../shared-options.ts';
import { printTransformWarning } from '../stage-reports.ts';
import { StatusLine } from '../status-line.ts';

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
  return command.action(async (options: StackOptions & { from: ReplayStart }) => {
    const interrupt = abortOnInterrupt(() =>
      process.stderr.write('\nStopping the replay: it resumes next time…\n'),
    );
    try {
      await withLocalStack({ ...options, abortSignal: interrupt.signal }, console.log, async (session) => {
        const line = new StatusLine();
        const from = describeReplayStart(options.from);
        const result = await replayStream({
          clients: session.clients,
          dataDir: session.dataDir,
          streamName: session.streamName,
          from: options.from,
          signal: interrupt.signal,
          onTransformWarning: printTransformWarning,
          onProgress: (m) =>
            line.update(
              `replay from ${from}: ${m.recordsIn} records read · ${m.rowsWritten} rows written · ` +
                `${m.processingFailed + m.formatConversionFailed} to the error prefix · ` +
                `${(m.millisBehind / 1000).toFixed(1)} s behind the stream's tip`,
            ),
        });
        line.done();
        const { metrics } = result;
        console.log(
          `Replay from ${from}${result.resumed ? ' (resumed)' : ''}: ${metrics.recordsIn} records read again, ` +
            `${metrics.rowsWritten} rows written to ${result.lakeDir} in ${metrics.objectsWritten} objects ` +
            `(rows already there are duplicates: harmless), ${metrics.processingFailed + metrics.formatConversionFailed} ` +
            'to the error prefix.',
        );
        if (!result.completed) {
          console.log('The replay was cut short: run the same command again to go on from where it stopped.');
          process.exitCode = 1;
          return;
        }
        const check = await checkSession(session, lakeFolder(session.dataDir));
        console.log(formatCheck(check));
        if (!holds(check)) process.exitCode = 1;
      });
    } finally {
      interrupt.dispose();
    }
  });
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
