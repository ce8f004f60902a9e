import { resolve } from 'node:path';
import { checkpointFolder } from '../../local/data-dir.ts';
import { preflightDataDir } from '../../local/data-dir-preflight.ts';
import type { PipeConfig, PipeConfigInput } from '../../pipe/pipe-config.ts';
import { PipeWorker } from '../../pipe/pipe-worker.ts';
import { tableStreamArn } from '../../pipe/table-stream.ts';
import { connectToClients } from '../../twin/stack-connection.ts';
import { SECONDS_OF_MS } from '../option-parsers.ts';
import { runUntilInterrupt } from '../run-until-interrupt.ts';
import { formatPipeStatus, formatPipeSummary, printPipeEvent } from '../stage-reports.ts';

export interface PipeOptions {
  table: string;
  stream: string;
  target: 'local' | 'aws';
  region?: string;
  dataDir: string;
  checkpointDir?: string;
  startingPosition: PipeConfig['startingPosition'];
  batchSize: number;
  /** In SECONDS_OF_MS, as the option counts it. */
  batchingWindow: number;
  partitionKey: string;
}

/** `gadget-cdc pipe`: runs the local pipe until Ctrl-C, with a live line and a summary. */
export async function pipeAction(options: PipeOptions): Promise<void> {
  const clients = await connectToClients({ ...options, otherWays: ['use --target aws'] });
  try {
    const checkpointDir = resolve(options.checkpointDir ?? checkpointFolder(options.dataDir, 'pipe'));
    await preflightDataDir(options.dataDir, { checkpointDirs: [checkpointDir], folders: [checkpointDir] });
    const config: PipeConfigInput = {
      streamArn: await tableStreamArn(clients.dynamodb, options.table),
      kinesisStreamName: options.stream,
      checkpointDir,
      startingPosition: options.startingPosition,
      batchSize: options.batchSize,
      batchingWindowMs: options.batchingWindow * SECONDS_OF_MS.size,
      partitionKeyPath: options.partitionKey,
    };
    const worker = new PipeWorker(clients, config, printPipeEvent);
    await runUntilInterrupt(worker, {
      starting: `Pipe: table ${options.table} stream → Kinesis ${options.stream}. Ctrl-C stops.`,
      stopping: 'Stopping: finishing the delivery in flight…',
      status: () => formatPipeStatus(worker.metrics),
      summary: () => formatPipeSummary(worker.metrics),
    });
  } finally {
    clients.destroy();
  }
}
