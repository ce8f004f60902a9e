import { holds } from '../../observe/current-orders-check.ts';
import { type LocalPipelineOptions, runLocalPipeline } from '../../twin/local-pipeline.ts';
import type { LocalPipelineEvent } from '../../twin/local-pipeline-events.ts';
import type { RunStatusWords } from '../../twin/run-status-publisher.ts';
import { formatGeneratorSummary } from '../generator-report.ts';
import { abortOnInterrupt } from '../interrupt.ts';
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

export type UpOptions = Omit<LocalPipelineOptions, 'dashboardPort' | 'compactEveryMs' | 'statusWords'> & {
  /** False with --no-dashboard. */
  dashboard: boolean;
  dashboardPort?: number;
  /** Seconds; 0 never compacts. */
  compactEvery: number;
};

/** `gadget-cdc up` once its data dir passed the preflight: the run, told on stdout and a live line, until drained or Ctrl-C. */
export async function upAction(options: UpOptions): Promise<void> {
  const generator = { count: options.count, rate: options.rate };
  // The status file (read by `status` and the page) gets the words without the terminal's progress bar.
  const statusWords: RunStatusWords = {
    live: (live) => (live ? formatLiveStatus(live, generator, { bar: false }) : 'starting'),
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
      line.update(formatLiveStatus(event.live, out.generator));
      break;
    case 'generator-finished':
      line.update(formatLiveStatus(event.live, out.generator), true);
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
