import type { Command } from 'commander';
import { ResourceNamesSchema } from '../aws/resource-names.ts';
import { InvalidOptionError } from '../errors/pipeline-error.ts';
import { formatChangeMix, parseChangeMix } from '../generator/change-mix.ts';
import { GeneratorConfigSchema } from '../generator/generator-config.ts';
import { LocalStackConfigSchema } from '../local/local-stack-config.ts';
import {
  OptionValueError,
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
import { schemaOption } from './schema-option.ts';

const stack = LocalStackConfigSchema.shape;
const names = ResourceNamesSchema.shape;
const generator = GeneratorConfigSchema.shape;

export function addDataDirOption(command: Command): Command {
  return command.addOption(
    schemaOption('--data-dir <dir>', stack.dataDir, { parse: parseFolder('--data-dir') }),
  );
}

/** Options of every command that starts the local stack, as the local twin takes them. */
export function addStackOptions(command: Command): Command {
  return addDataDirOption(command)
    .addOption(schemaOption('--dynamodb-port <port>', stack.dynamodbPort, { parse: parsePort }))
    .addOption(schemaOption('--kinesis-port <port>', stack.kinesisPort, { parse: parsePort }))
    .addOption(schemaOption('--table <name>', names.tableName, { parse: parseTableName }))
    .addOption(schemaOption('--stream <name>', names.streamName, { parse: parseStreamName }))
    .addOption(schemaOption('--shards <n>', names.shardCount, { parse: parseShards }));
}

/** Options shaping the generated changes. */
export function addGeneratorOptions(command: Command): Command {
  return command
    .addOption(schemaOption('--rate <n|max>', generator.ratePerSecond, { parse: parseRate }))
    .addOption(schemaOption('--count <n>', generator.count, { parse: parseCount('--count') }))
    .addOption(schemaOption('--seed <seed>', generator.seed, { parse: parseSeed }))
    .addOption(
      schemaOption('--mix <spec>', generator.mix, { parse: parseMixOption, showDefault: formatChangeMix }),
    )
    .addOption(schemaOption('--write-mode <mode>', generator.writeMode))
    .addOption(schemaOption('--concurrency <n>', generator.concurrency, { parse: parseConcurrency }));
}

function parseMixOption(value: string) {
  try {
    return parseChangeMix(value);
  } catch (error) {
    if (error instanceof InvalidOptionError) throw new OptionValueError(error.message);
    throw error;
  }
}
