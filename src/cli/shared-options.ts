import { type Command, Option } from 'commander';
import { DEFAULT_STREAM_NAME, DEFAULT_TABLE_NAME } from '../aws/resource-names.ts';
import { InvalidOptionError } from '../errors/pipeline-error.ts';
import { DEFAULT_MIX, formatChangeMix, parseChangeMix } from '../generator/change-mix.ts';
import { WRITE_MODES } from '../generator/generator-config.ts';
import { DEFAULT_DATA_DIR } from '../local/local-stack-config.ts';
import {
  OptionValueError,
  parseChoice,
  parseConcurrency,
  parseCount,
  parseFolder,
  parsePort,
  parseRate,
  parseSeed,
  parseShards,
  parseStreamName,
  parseTableName,
} from './option-parsers.ts';

/** The options `addStackOptions` adds, as the local twin takes them. */

export function addDataDirOption(command: Command): Command {
  return command.option(
    '--data-dir <dir>',
    'folder the local twin keeps its state in',
    parseFolder('--data-dir'),
    DEFAULT_DATA_DIR,
  );
}

/** Options of every command that starts the local stack. */
export function addStackOptions(command: Command): Command {
  return addDataDirOption(command)
    .option('--dynamodb-port <port>', 'DynamoDB Local port (default: a free one)', parsePort)
    .option('--kinesis-port <port>', 'Kinesis server port (default: a free one)', parsePort)
    .option('--table <name>', 'orders table', parseTableName, DEFAULT_TABLE_NAME)
    .option('--stream <name>', 'Kinesis stream', parseStreamName, DEFAULT_STREAM_NAME)
    .option('--shards <n>', 'Kinesis shards when the stream is created', parseShards, 2);
}

/** Options shaping the generated changes. */
export function addGeneratorOptions(command: Command, defaultRate: number): Command {
  return command
    .option('--rate <n|max>', 'changes per second on average, or "max"', parseRate, defaultRate)
    .option('--count <n>', 'stop after this many changes (default: run until Ctrl-C)', parseCount('--count'))
    .option('--seed <seed>', 'same seed → same changes (default: random, printed at the end)', parseSeed)
    .addOption(
      new Option('--mix <spec>', 'percent of each change kind')
        .argParser(parseMixOption)
        .default(DEFAULT_MIX, formatChangeMix(DEFAULT_MIX)),
    )
    .addOption(
      new Option(
        '--write-mode <mode>',
        'single = PutItem/DeleteItem per change, batch = BatchWriteItem×25, auto = batch above 50/s',
      )
        .choices(WRITE_MODES)
        .argParser(parseChoice(WRITE_MODES))
        .default('auto'),
    )
    .option('--concurrency <n>', 'batch writes in flight at once', parseConcurrency, 4);
}

function parseMixOption(value: string) {
  try {
    return parseChangeMix(value);
  } catch (error) {
    if (error instanceof InvalidOptionError) throw new OptionValueError(error.message);
    throw error;
  }
}
