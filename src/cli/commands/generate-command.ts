import { Command, Option } from 'commander';
import type { AwsClients } from '../../aws/aws-clients.ts';
import { resolveRegion } from '../../aws/aws-connection.ts';
import { DEFAULT_STACK_NAME } from '../../aws/deployed-names.ts';
import { DEFAULT_TABLE_NAME } from '../../aws/resource-names.ts';
import { namesFromStack } from '../../aws/stack-outputs.ts';
import { type GeneratorRun, generateOrders } from '../../generator/generate-orders.ts';
import { type GeneratorOptions, generatorConfig } from '../../generator/generator-options.ts';
import { connectToClients } from '../../twin/stack-connection.ts';
import { formatGeneratorProgress, formatGeneratorSummary } from '../generator-report.ts';
import { abortOnInterrupt } from '../interrupt.ts';
import { parseEndpointUrl } from '../option-parsers.ts';
import { addDataDirOption, addGeneratorOptions } from '../shared-options.ts';
import { StatusLine } from '../status-line.ts';

interface GenerateOptions extends GeneratorOptions {
  table: string;
  target: 'local' | 'aws';
  endpoint?: string;
  region?: string;
  profile?: string;
  stack: string;
  dataDir: string;
}

export function generateCommand(): Command {
  const command = new Command('generate')
    .summary('write a seeded stream of order inserts, updates and deletes to the orders table')
    .description(
      'Writes realistic order changes (new orders, status moves, quantity changes, deletes of cancelled orders) to the ' +
        'orders table. By default it targets the local stack running from --data-dir (start it with `gadget-cdc local` ' +
        'or `gadget-cdc up`); --endpoint targets any DynamoDB-compatible endpoint, --target aws a real AWS table: the ' +
        'one named in the outputs of the deployed stack (`npm run deploy`, --stack) unless --table names it.',
    )
    .option(
      '--table <name>',
      'orders table (with --target aws, when omitted: the one named in the deployed stack outputs)',
      DEFAULT_TABLE_NAME,
    )
    .addOption(
      new Option('--target <target>', 'where the table lives').choices(['local', 'aws']).default('local'),
    )
    .option(
      '--endpoint <url>',
      'DynamoDB endpoint URL, e.g. http://127.0.0.1:8000 (overrides --target)',
      parseEndpointUrl('--endpoint', 'http://127.0.0.1:8000'),
    )
    .option('--region <region>', 'AWS region (default: $AWS_REGION or us-east-1)')
    .option(
      '--profile <name>',
      'AWS profile, for --target aws (default: $AWS_PROFILE, else the default chain)',
    )
    .option(
      '--stack <name>',
      'CloudFormation stack whose outputs name the table, for --target aws',
      DEFAULT_STACK_NAME,
    );
  addDataDirOption(command);
  addGeneratorOptions(command, 10);
  return command.action(async (options: GenerateOptions) => {
    const onAws = options.target === 'aws' && !options.endpoint;
    // The SDK's default credential chain reads AWS_PROFILE; the shared client factory takes no profile itself.
    if (onAws && options.profile) process.env.AWS_PROFILE = options.profile;
    const tableName = onAws ? await deployedTableName(options, command) : options.table;
    const clients = await connectToClients(options);
    try {
      const run = await runGeneratorWithDisplay(clients, tableName, options);
      console.log(formatGeneratorSummary(run));
      if (run.error) process.exitCode = 1;
    } finally {
      clients.destroy();
    }
  });
}

/** `--table` when given, else the deployed stack's TableName output (in the region the writes go to). */
async function deployedTableName(options: GenerateOptions, command: Command): Promise<string> {
  const given = command.getOptionValueSource('table') === 'cli';
  const names = await namesFromStack(
    { stackName: options.stack, region: resolveRegion(options.region), profile: options.profile },
    { tableName: { value: given ? options.table : undefined, option: '--table' } },
  );
  return names.tableName;
}

/** Runs the generator with a live line (progress bar for bounded runs) and Ctrl-C draining. */
async function runGeneratorWithDisplay(
  clients: AwsClients,
  tableName: string,
  options: GeneratorOptions,
): Promise<GeneratorRun> {
  const line = new StatusLine();
  const interrupt = abortOnInterrupt(() => line.update('Stopping: writing the changes in flight…', true));
  try {
    const run = await generateOrders(generatorConfig(tableName, options), {
      dynamodb: clients.dynamodb,
      signal: interrupt.signal,
      onProgress: (progress) => line.update(formatGeneratorProgress(progress, options.count)),
    });
    line.update(formatGeneratorProgress({ stats: run.stats, elapsedMs: run.elapsedMs }, options.count), true);
    return run;
  } finally {
    line.done();
    interrupt.dispose();
  }
}
