import { Command, Option } from 'commander';
import { ResourceNamesSchema } from '../../aws/resource-names.ts';
import { partitionKeyReader } from '../../pipe/partition-key.ts';
import { PipeConfigSchema } from '../../pipe/pipe-config.ts';
import {
  OptionValueError,
  parseBySchema,
  parseChoice,
  parseFolder,
  parseRegion,
  parseStreamName,
  parseTableName,
  SECONDS_OF_MS,
  toNumber,
} from '../option-parsers.ts';
import { schemaOption } from '../schema-option.ts';
import { addDataDirOption } from '../shared-options.ts';
import type { PipeOptions } from './pipe-action.ts';

const TARGETS = ['local', 'aws'] as const;
const pipe = PipeConfigSchema.shape;
const names = ResourceNamesSchema.shape;

export function pipeCommand(): Command {
  const command = new Command('pipe')
    .summary('run the local EventBridge Pipe: the table’s DynamoDB stream → the Kinesis stream')
    .description(
      'Reads every shard of the orders table’s stream (parents before children) and puts each change on the Kinesis ' +
        'stream as EventBridge Pipes does, keyed by the order so its changes stay in order. Checkpoints each shard under ' +
        '<data-dir>/checkpoints/pipe: a restart, even after a crash, resumes without losing a change. Runs until Ctrl-C.',
    )
    .addOption(
      schemaOption('--table <name>', names.tableName, {
        description: 'orders table (its stream is the source)',
        parse: parseTableName,
      }),
    )
    .addOption(
      schemaOption('--stream <name>', names.streamName, {
        description: 'Kinesis stream (the target)',
        parse: parseStreamName,
      }),
    )
    .addOption(
      new Option('--target <target>', 'where both live')
        .choices(TARGETS)
        .argParser(parseChoice(TARGETS))
        .default('local'),
    )
    .option('--region <region>', 'AWS region (default: $AWS_REGION or us-east-1)', parseRegion)
    .addOption(schemaOption('--starting-position <position>', pipe.startingPosition))
    .addOption(
      schemaOption('--batch-size <n>', pipe.batchSize, {
        parse: parseBySchema('--batch-size', pipe.batchSize, { convert: toNumber, note: ' (as for a Pipe)' }),
      }),
    )
    .addOption(schemaOption('--batching-window <seconds>', pipe.batchingWindowMs, { unit: SECONDS_OF_MS }))
    .addOption(
      schemaOption('--partition-key <json-path>', pipe.partitionKeyPath, { parse: parsePartitionKey }),
    )
    .option(
      '--checkpoint-dir <dir>',
      'where checkpoints live (default: <data-dir>/checkpoints/pipe)',
      parseFolder('--checkpoint-dir'),
    );
  addDataDirOption(command);
  return command.action(async (options: PipeOptions) =>
    (await import('./pipe-action.ts')).pipeAction(options),
  );
}

function parsePartitionKey(value: string): string {
  try {
    partitionKeyReader(value);
  } catch (error) {
    throw new OptionValueError((error as Error).message);
  }
  return value;
}
