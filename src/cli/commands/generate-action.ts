import type { AwsClients } from '../../aws/aws-clients.ts';
import { resolveRegion } from '../../aws/aws-connection.ts';
import { namesFromStack } from '../../aws/stack-outputs.ts';
import { type GeneratorRun, generateOrders } from '../../generator/generate-orders.ts';
import { type GeneratorOptions, generatorConfig } from '../../generator/generator-options.ts';
import { connectToClients } from '../../twin/stack-connection.ts';
import { formatGeneratorProgress, formatGeneratorSummary } from '../generator-report.ts';
import { abortOnInterrupt } from '../interrupt.ts';
import { StatusLine } from '../status-line.ts';

export interface GenerateOptions extends GeneratorOptions {
  table: string;
  target: 'local' | 'aws';
  endpoint?: string;
  region?: string;
  profile?: string;
  stack: string;
  dataDir: string;
}

/**
 * `gadget-cdc generate`: writes order changes until the count or Ctrl-C. `tableGiven`: --table was on the
 * command line (on AWS, the deployed stack's table is used otherwise).
 */
export async function generateAction(options: GenerateOptions, tableGiven: boolean): Promise<void> {
  const onAws = options.target === 'aws' && !options.endpoint;
  // The SDK's default credential chain reads AWS_PROFILE; the shared client factory takes no profile itself.
  if (onAws && options.profile) process.env.AWS_PROFILE = options.profile;
  const tableName = onAws ? await deployedTableName(options, tableGiven) : options.table;
  const clients = await connectToClients({
    ...options,
    otherWays: ['pass --endpoint <url>', 'use --target aws'],
  });
  try {
    const run = await runGeneratorWithDisplay(clients, tableName, options);
    console.log(formatGeneratorSummary(run));
    if (run.error) process.exitCode = 1;
  } finally {
    clients.destroy();
  }
}

/** `--table` when given, else the deployed stack's TableName output (in the region the writes go to). */
async function deployedTableName(options: GenerateOptions, tableGiven: boolean): Promise<string> {
  const names = await namesFromStack(
    { stackName: options.stack, region: resolveRegion(options.region), profile: options.profile },
    { tableName: { value: tableGiven ? options.table : undefined, option: '--table' } },
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
