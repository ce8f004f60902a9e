import { Command, Option } from 'commander';
import { InvalidOptionError } from '../../errors/pipeline-error.ts';
import { preflightDataDir } from '../../local/data-dir-preflight.ts';
import { holds } from '../../observe/current-orders-check.ts';
import { type LocalPipelineOptions, runLocalPipeline } from '../../twin/local-pipeline.ts';
import type { LocalPipelineEvent } from '../../twin/local-pipeline-events.ts';
import type { RunStatusWords } from '../../twin/run-status-publisher.ts';
import { formatGeneratorSummary } from '../generator-report.ts';
import { abortOnInterrupt } from '../interrupt.ts';
import { parseCount, parsePort, parseWholeInRange } from '../option-parsers.ts';
import { addGeneratorOptions, addStackOptions } from '../shared-options.ts';
import {
  formatCompactionFailure,
  formatCompactionSummary,
  formatDeliverySummary,
  formatLiveStatus,
  formatPipeSummary,
  formatRunSummary,
  formatStageBehind,
  printPipeEvent,
  printTransformWarning,
} from '../stage-reports.ts';
import { StatusLine } from '../status-line.ts';

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
  addGeneratorOptions(command, 10);
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
  return command.action(
    async (
      options: Omit<LocalPipelineOptions, 'count' | 'dashboardPort' | 'statusWords'> & {
        count?: number;
        orders?: number;
        dashboard: boolean;
        dashboardPort?: number;
        compactEvery: number;
      },
    ) => {
      const count = options.orders ?? options.count;
      if (options.exitWhenDrained && count === undefined) {
        throw new InvalidOptionError(
          'cli',
          '--exit-when-drained ends a bounded run: add --orders <n> (how many order changes to write).',
        );
      }
      // Before anything starts or writes: a data dir that cannot work fails here, in one line.
      await preflightDataDir(options.dataDir, { startsStack: true });
      const generator = { count, rate: options.rate };
      const statusWords: RunStatusWords = {
        live: (live) => (live ? formatLiveStatus(live, generator) : 'starting'),
        summary: formatRunSummary,
      };
      const line = new StatusLine();
      let stackUp = false; // the run's first line says the stack is up
      const print = (text: string) => {
        stackUp = true;
        line.done();
        console.log(text);
      };
      const interrupt = abortOnInterrupt(() =>
        process.stderr.write(
          stackUp
            ? '\nDraining: finishing the writes in flight, then the pipe and the delivery…\n'
            : '\nStopping the servers that are starting…\n',
        ),
      );
      try {
        const result = await runLocalPipeline(
          {
            ...options,
            count,
            dashboardPort: options.dashboard ? (options.dashboardPort ?? 0) : undefined,
            compactEveryMs: options.compactEvery * 1000,
            statusWords,
          },
          interrupt.signal,
          (event) => reportEvent(event, { line, print, generator, statusWords }),
        );
        if (!holds(result.check) || result.generator.error) process.exitCode = 1;
      } finally {
        line.done();
        interrupt.dispose();
      }
    },
  );
}

/** How `up` tells the run: the story on stdout, the live line and the pipe's events on stderr. */
function reportEvent(
  event: LocalPipelineEvent,
  out: {
    line: StatusLine;
    print: (text: string) => void;
    generator: { count: number | undefined; rate: number | 'max' };
    statusWords: RunStatusWords;
  },
): void {
  const { line, print } = out;
  switch (event.type) {
    case 'stack-line':
      print(event.line);
      break;
    case 'pipe-event':
      printPipeEvent(event.event);
      break;
    case 'transform-warning':
      printTransformWarning(event.line);
      break;
    case 'dashboard-started':
      print(`Dashboard: ${event.url}`);
      break;
    case 'generating-started':
      print(
        `Generating order changes; the pipe puts each on Kinesis, the delivery lands it in ${event.lakeDir}. ` +
          'Ctrl-C drains and stops.',
      );
      break;
    case 'live':
      line.update(out.statusWords.live(event.live));
      break;
    case 'generator-finished':
      line.update(out.statusWords.live(event.live), true);
      print(formatGeneratorSummary(event.run, out.generator.rate));
      break;
    case 'running-on':
      print(`Wrote all ${event.count} changes; the pipe and the delivery run on. Ctrl-C drains and stops.`);
      break;
    case 'stage-behind':
      print(formatStageBehind(event.stage, event.waitedMs));
      break;
    case 'pipe-drained':
      print(formatPipeSummary(event.metrics));
      break;
    case 'delivery-drained':
      print(formatDeliverySummary(event.metrics, event.lakeDir));
      break;
    case 'compaction-failed':
      print(formatCompactionFailure(event.error));
      break;
    case 'compaction-finished':
      print(formatCompactionSummary(event.totals));
      break;
    case 'checked':
      for (const text of out.statusWords.summary(event.summary)) print(text);
      break;
    case 'stack-stopped':
      print('Local stack stopped.');
      break;
  }
}
