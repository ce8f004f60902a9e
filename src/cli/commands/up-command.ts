import { join } from 'node:path';
import { Command } from 'commander';
import { checkCurrentOrders, formatCheck, holds } from '../../catalog/current-orders-check.ts';
import { DuckDbLake } from '../../catalog/duckdb-lake.ts';
import { PipeWorker } from '../../pipe/pipe-worker.ts';
import { formatGeneratorSummary } from '../generator-report.ts';
import { abortOnInterrupt } from '../interrupt.ts';
import {
  addGeneratorOptions,
  addStackOptions,
  type GeneratorOptions,
  type StackOptions,
} from '../shared-options.ts';
import { waitUntilQuiet } from '../wait-until-quiet.ts';
import { formatDeliverySummary, localDelivery } from './deliver-command.ts';
import { runGeneratorWithDisplay } from './generate-command.ts';
import { startStackWithResources } from './local-command.ts';
import { formatPipeSummary, printPipeEvent } from './pipe-command.ts';

export function upCommand(): Command {
  const command = new Command('up')
    .summary('the main job: start the local stack, feed it live order changes and capture them (npm start)')
    .description(
      'Starts the local stack (as `gadget-cdc local`), the pipe (as `gadget-cdc pipe`: the table’s stream → Kinesis) and ' +
        'the delivery (as `gadget-cdc deliver`: Kinesis → transform → <data-dir>/lake), then generates order changes into ' +
        'the orders table with a live status line until Ctrl-C (or --count). It then drains the writes in flight, lets the ' +
        'pipe and the delivery catch up, stops every server and prints a summary that ends with the central invariant: ' +
        'current_orders checked against a full scan of the table (exit 1 on a mismatch). Run it again and it resumes ' +
        'from --data-dir.',
    );
  addStackOptions(command);
  addGeneratorOptions(command, 10);
  return command.action(async (options: StackOptions & GeneratorOptions) => {
    const interrupt = abortOnInterrupt(() =>
      process.stderr.write('\nDraining: finishing the writes in flight, then the pipe and the delivery…\n'),
    );
    const { stack, resources } = await startStackWithResources(options);
    const pipe = new PipeWorker(
      stack.clients,
      {
        streamArn: resources.table.streamArn,
        kinesisStreamName: resources.stream.streamName,
        checkpointDir: join(stack.dataDir, 'checkpoints', 'pipe'),
      },
      printPipeEvent,
    );
    const piping = pipe.start();
    const delivery = localDelivery(stack.clients, stack.dataDir, resources.stream.streamName);
    const delivering = delivery.start();
    try {
      console.log(
        `Generating order changes; the pipe puts each on Kinesis, the delivery lands it in ${delivery.lake.root}. ` +
          'Ctrl-C drains and stops.',
      );
      // Stop generating on Ctrl-C, or at once if a server dies or the pipe fails.
      const stop = new AbortController();
      interrupt.signal.addEventListener('abort', () => stop.abort(), { once: true });
      let crash: Error | undefined;
      void stack.crashed.then((error) => {
        crash = error;
        stop.abort();
      });
      piping.catch(() => stop.abort());
      delivering.catch(() => stop.abort());
      const run = await runGeneratorWithDisplay(
        stack.clients,
        options.table,
        options,
        stop.signal,
        () => ` · pipe → Kinesis ${pipe.metrics.recordsPut} · lake rows ${delivery.metrics.ok}`,
      );
      console.log(formatGeneratorSummary(run));
      if (crash) throw crash;
      // Drain stage by stage: the pipe catches up with the table's stream, then the delivery with Kinesis.
      const pipeProgress = () => `${pipe.metrics.recordsRead}/${pipe.metrics.recordsPut}`;
      if (!(await waitUntilQuiet(pipeProgress, () => pipe.metrics.millisBehind))) {
        console.error('The pipe did not catch up within 30 s; it resumes on the next run.');
      }
      await pipe.stop();
      await piping; // rethrows a pipe failure
      console.log(formatPipeSummary(pipe.metrics));
      if (
        !(await waitUntilQuiet(
          () => String(delivery.metrics.recordsIn),
          () => delivery.metrics.millisBehind,
        ))
      ) {
        console.error('The delivery did not catch up within 30 s; it resumes on the next run.');
      }
      await delivery.stop(); // writes everything buffered
      await delivering;
      console.log(formatDeliverySummary(delivery.metrics, delivery.lake.root));
      const lake = await DuckDbLake.open(delivery.lake.root);
      try {
        const check = await checkCurrentOrders(lake, stack.clients.dynamodb, options.table);
        console.log(formatCheck(check));
        if (!holds(check)) process.exitCode = 1;
      } finally {
        lake.close();
      }
      if (run.error) process.exitCode = 1;
    } finally {
      await pipe.abort();
      await delivery.stop();
      await stack.stop();
      interrupt.dispose();
      console.log('Local stack stopped.');
    }
  });
}
