import { lakeFolder } from '../../local/data-dir.ts';
import { formatCheck, formatExamples, holds } from '../../observe/current-orders-check.ts';
import { checkSession, withLocalStack } from '../../twin/local-session.ts';
import { describeReplayStart, type ReplayStart, replayStream } from '../../twin/replay.ts';
import type { StackOptions } from '../../twin/stack-start.ts';
import { abortOnInterrupt } from '../interrupt.ts';
import { printTransformWarning } from '../stage-reports.ts';
import { StatusLine } from '../status-line.ts';

/** `gadget-cdc replay`: the stream again from --from into the lake, then the central invariant's check. */
export async function replayAction(options: StackOptions & { from: ReplayStart }): Promise<void> {
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
      for (const example of formatExamples(check)) console.log(example);
      if (!holds(check)) process.exitCode = 1;
    });
  } finally {
    interrupt.dispose();
  }
}
