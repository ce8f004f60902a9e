import { resolve } from 'node:path';
import { type AwsClients, createAwsClients } from '../aws/aws-clients.ts';
import { resolveRegion } from '../aws/aws-connection.ts';
import { PipelineError } from '../errors/pipeline-error.ts';
import { findRunningStack } from '../local/stack-lock.ts';

/** No endpoint was given and no local stack runs from the data dir. */
export class LocalStackNotRunningError extends PipelineError {
  constructor(dataDir: string) {
    super(
      'cli',
      'LOCAL_STACK_NOT_RUNNING',
      `No local stack is running from data dir ${dataDir}. Start one in another terminal with \`npx gadget-cdc local\` ` +
        '(or `npm start`), pass --endpoint <url>, or use --target aws.',
    );
  }
}

export interface ConnectionOptions {
  target: 'local' | 'aws';
  endpoint?: string;
  region?: string;
  dataDir: string;
}

/** SDK clients for what a command works on: an explicit endpoint, AWS, or the local stack of the data dir. */
export async function connectToClients(options: ConnectionOptions): Promise<AwsClients> {
  const region = resolveRegion(options.region);
  if (options.endpoint) return createAwsClients({ endpoint: options.endpoint, region });
  if (options.target === 'aws') return createAwsClients({ region });
  const stack = await findRunningStack(resolve(options.dataDir));
  if (!stack) throw new LocalStackNotRunningError(resolve(options.dataDir));
  return createAwsClients({ endpoint: stack.dynamodbEndpoint }, { endpoint: stack.kinesisEndpoint });
}
