import { resolve } from 'node:path';
import { type AwsClients, createAwsClients } from '../aws/aws-clients.ts';
import { resolveRegion } from '../aws/aws-connection.ts';
import { failWithEndpoint } from '../aws/connection-error.ts';
import { PipelineError } from '../errors/pipeline-error.ts';
import { findRunningStack } from '../local/stack-lock.ts';

/** No endpoint was given and no local stack runs from the data dir. */
export class LocalStackNotRunningError extends PipelineError {
  /** `otherWays`: what else the command takes instead, e.g. "pass --endpoint <url>" (none: only a stack). */
  constructor(dataDir: string, otherWays: readonly string[] = []) {
    super(
      'cli',
      'LOCAL_STACK_NOT_RUNNING',
      `No local stack is running from data dir ${dataDir}. Start one in another terminal with \`npx gadget-cdc local\` ` +
        `(or \`npm start\`)${otherWays.map((way) => `, or ${way}`).join('')}.`,
    );
  }
}

export interface ConnectionOptions {
  target: 'local' | 'aws';
  endpoint?: string;
  region?: string;
  dataDir: string;
  /** The command's other ways to a stack, for the error when none runs, e.g. "use --target aws". */
  otherWays?: readonly string[];
}

/**
 * SDK clients for what a command works on: an explicit endpoint, AWS, or the local stack of the data dir.
 * A request that cannot reach its endpoint fails with an EndpointUnreachableError naming it and what to do.
 */
export async function connectToClients(options: ConnectionOptions): Promise<AwsClients> {
  const region = resolveRegion(options.region);
  if (options.endpoint) {
    return failingWithEndpoints(
      createAwsClients({ endpoint: options.endpoint, region }),
      { dynamodb: options.endpoint, kinesis: options.endpoint },
      'Check the URL and its port, or start the local stack (`gadget-cdc local`, or `gadget-cdc up`) and pass ' +
        'the DynamoDB endpoint it prints, or leave out --endpoint to use the stack running from --data-dir.',
    );
  }
  if (options.target === 'aws') {
    const where = `AWS region ${region}`;
    return failingWithEndpoints(
      createAwsClients({ region }),
      { dynamodb: where, kinesis: where },
      'Check the network connection and --region.',
    );
  }
  const dataDir = resolve(options.dataDir);
  const stack = await findRunningStack(dataDir);
  if (!stack) throw new LocalStackNotRunningError(dataDir, options.otherWays);
  return failingWithEndpoints(
    createAwsClients({ endpoint: stack.dynamodbEndpoint }, { endpoint: stack.kinesisEndpoint }),
    { dynamodb: stack.dynamodbEndpoint, kinesis: stack.kinesisEndpoint },
    `The local stack of data dir ${dataDir} (pid ${stack.pid}) does not answer there: stop it and start it ` +
      'again (`gadget-cdc local`, or `gadget-cdc up`).',
  );
}

/** Makes each client's requests that cannot connect fail with one EndpointUnreachableError naming its endpoint. */
function failingWithEndpoints(
  clients: AwsClients,
  endpoints: { readonly dynamodb: string; readonly kinesis: string },
  advice: string,
): AwsClients {
  const step = { step: 'initialize', name: 'failWithEndpoint', override: true } as const;
  clients.dynamodb.middlewareStack.add(failWithEndpoint('DynamoDB', endpoints.dynamodb, advice), step);
  clients.streams.middlewareStack.add(failWithEndpoint('DynamoDB Streams', endpoints.dynamodb, advice), step);
  clients.kinesis.middlewareStack.add(failWithEndpoint('Kinesis', endpoints.kinesis, advice), step);
  return clients;
}
