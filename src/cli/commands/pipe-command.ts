import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_STREAM_NAME, DEFAULT_TABLE_NAME } from '../../aws/resource-names.ts';
import { checkpointFolder } from '../../local/data-dir.ts';
import { preflightDataDir } from '../../local/data-dir-preflight.ts';
import { ORDER_KEY_PATH, partitionKeyReader } from '../../pipe/partition-key.ts';
import { type PipeConfigInput, PipeConfigSchema } from '../../pipe/pipe-config.ts';
import { PipeWorker } from '../../pipe/pipe-worker.ts';
import { tableStreamArn } from '../../pipe/table-stream.ts';
import { connectToClients } from '../../twin/stack-connection.ts';
import { abortOnInterrupt } from '../interrupt.ts';
import {
  OptionValueError,
  parseBySchema,
  parseChoice,
  parseFolder,
  parseRegion,
  parseStreamName,
  parseTableName,
  parseWholeUnits,
  toNumber,
} from '../option-parsers.ts';
import { addDataDirOption } from '../shared-options.ts';
import { formatPipeStatus, formatPipeSummary, printPipeEvent } from '../stage-reports.ts';
import { StatusLine } from '../status-line.ts';

const TARGETS = ['local', 'aws'] as const;
const STARTING_POSITIONS = ['TRIM_HORIZON', 'LATEST'] as const;

interface PipeOptions {
  table: string;
  stream: string;
  target: 'local' | 'aws';
  region?: string;
  dataDir: string;
  checkpointDir?: string;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  batchSize: number;
  batchingWindow: number;
  partitionKey: string;
}

export function pipeCommand(): Command {
  const command = new Command('pipe')
    .summary('run the local EventBridge Pipe: the table’s DynamoDB stream → the Kinesis stream')
    .description(
      'Reads every shard of the orders table’s stream (parents before children) and puts each change on the Kinesis ' +
        'stream as EventBridge Pipes does, keyed by the order so its changes stay in order. Checkpoints each shard under ' +
        '<data-dir>/checkpoints/pipe: a restart, even after a crash, resumes without losing a change. Runs until Ctrl-C.',
    )
    .option('--table <name>', 'orders table (its stream is the source)', parseTableName, DEFAULT_TABLE_NAME)
    .option('--stream <name>', 'Kinesis stream (the target)', parseStreamName, DEFAULT_STREAM_NAME)
    .addOption(
      new Option('--target <target>', 'where both live')
        .choices(TARGETS)
        .argParser(parseChoice(TARGETS))
        .default('local'),
    )
    .option('--region <region>', 'AWS region (default: $AWS_REGION or us-east-1)', parseRegion)
    .addOption(
      new Option('--starting-position <position>', 'where a first start begins reading')
        .choices(STARTING_POSITIONS)
        .argParser(parseChoice(STARTING_POSITIONS))
        .default('TRIM_HORIZON'),
    )
    .option(
      '--batch-size <n>',
      'records per delivery, 1-10000 (PutRecords calls hold at most 500)',
      parseBySchema('--batch-size', PipeConfigSchema.shape.batchSize, {
        convert: toNumber,
        note: ' (as for a Pipe)',
      }),
      100,
    )
    .option(
      '--batching-window <seconds>',
      'gather records this long before a smaller delivery, 0-300',
      parseWholeUnits('--batching-window', 'seconds', PipeConfigSchema.shape.batchingWindowMs, 1000),
      0,
    )
    .option(
      '--partition-key <json-path>',
      `Kinesis partition key, e.g. ${ORDER_KEY_PATH} or $.eventID`,
      parsePartitionKey,
      ORDER_KEY_PATH,
    )
    .option(
      '--checkpoint-dir <dir>',
      'where checkpoints live (default: <data-dir>/checkpoints/pipe)',
      parseFolder('--checkpoint-dir'),
    );
  addDataDirOption(command);
  return command.action(async (options: PipeOptions) => {
    const clients = await connectToClients(options);
    try {
      const checkpointDir = resolve(options.checkpointDir ?? checkpointFolder(options.dataDir, 'pipe'));
      await preflightDataDir(options.dataDir, { checkpointDirs: [checkpointDir], folders: [checkpointDir] });
      const config: PipeConfigInput = {
        streamArn: await tableStreamArn(clients.dynamodb, options.table),
        kinesisStreamName: options.stream,
        checkpointDir,
        startingPosition: options.startingPosition,
        batchSize: options.batchSize,
        batchingWindowMs: options.batchingWindow * 1000,
        partitionKeyPath: options.partitionKey,
      };
      await runPipe(new PipeWorker(clients, config, printPipeEvent), options);
    } finally {
      clients.destroy();
    }
  });
}

async function runPipe(worker: PipeWorker, options: PipeOptions): Promise<void> {
  const line = new StatusLine();
  const interrupt = abortOnInterrupt(() => line.update('Stopping: finishing the delivery in flight…', true));
  interrupt.signal.addEventListener('abort', () => void worker.stop(), { once: true });
  console.error(`Pipe: table ${options.table} stream → Kinesis ${options.stream}. Ctrl-C stops.`);
  const timer = setInterval(() => line.update(formatPipeStatus(worker.metrics)), 250);
  try {
    await worker.start();
  } finally {
    clearInterval(timer);
    line.update(formatPipeStatus(worker.metrics), true);
    line.done();
    interrupt.dispose();
  }
  console.log(formatPipeSummary(worker.metrics));
}

function parsePartitionKey(value: string): string {
  try {
    partitionKeyReader(value);
  } catch (error) {
    throw new OptionValueError((error as Error).message);
  }
  return value;
}
