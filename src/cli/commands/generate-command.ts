import { Command, Option } from 'commander';
import { DEFAULT_STACK_NAME } from '../../aws/deployed-names.ts';
import { ResourceNamesSchema } from '../../aws/resource-names.ts';
import { parseEndpointUrl } from '../option-parsers.ts';
import { schemaOption } from '../schema-option.ts';
import { addDataDirOption, addGeneratorOptions } from '../shared-options.ts';
import type { GenerateOptions } from './generate-action.ts';

export function generateCommand(): Command {
  const command = new Command('generate')
    .summary('write a seeded stream of order inserts, updates and deletes to the orders table')
    .description(
      'Writes realistic order changes (new orders, status moves, quantity changes, deletes of cancelled orders) to the ' +
        'orders table. By default it targets the local stack running from --data-dir (start it with `gadget-cdc local` ' +
        'or `gadget-cdc up`); --endpoint targets any DynamoDB-compatible endpoint, --target aws a real AWS table: the ' +
        'one named in the outputs of the deployed stack (`npm run deploy`, --stack) unless --table names it.',
    )
    .addOption(
      schemaOption('--table <name>', ResourceNamesSchema.shape.tableName, {
        description:
          'orders table (with --target aws, when omitted: the one named in the deployed stack outputs)',
      }),
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
  addGeneratorOptions(command);
  return command.action(async (options: GenerateOptions) =>
    (await import('./generate-action.ts')).generateAction(
      options,
      command.getOptionValueSource('table') === 'cli',
    ),
  );
}
