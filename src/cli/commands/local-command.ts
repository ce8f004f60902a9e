import { Command } from 'commander';
import { checkDeliveryCheckpoints } from '../../local/checkpoint-positions.ts';
import { preflightDataDir } from '../../local/data-dir-preflight.ts';
import {
  ensurePipelineResources,
  type LocalStack,
  type PipelineResources,
  startLocalStack,
} from '../../local/local-stack.ts';
import { StartInterruptedError } from '../../local/local-stack-errors.ts';
import { abortOnInterrupt } from '../interrupt.ts';
import { addStackOptions, type StackOptions } from '../shared-options.ts';
import { deliveryCheckpointDir } from './deliver-command.ts';

export function localCommand(): Command {
  const command = new Command('local')
    .summary('run the local AWS twin (DynamoDB Local + Kinesis server) until Ctrl-C')
    .description(
      'Starts DynamoDB Local (Java 17+) and a Kinesis API server over --data-dir, creates the orders table (with its ' +
        'NEW_AND_OLD_IMAGES stream) and the Kinesis stream if missing, prints the endpoints, and runs until Ctrl-C. ' +
        'Other commands (e.g. `gadget-cdc generate`) find it through the data dir.',
    );
  addStackOptions(command);
  return command.action(async (options: StackOptions) => {
    await preflightDataDir(options.dataDir, { startsStack: true });
    const interrupt = abortOnInterrupt();
    try {
      const { stack } = await startStackWithResources({ ...options, abortSignal: interrupt.signal });
      try {
        console.log('Local stack running. Ctrl-C stops it.');
        const stopped = new Promise<undefined>((resolve) => {
          if (interrupt.signal.aborted) resolve(undefined);
          interrupt.signal.addEventListener('abort', () => resolve(undefined), { once: true });
        });
        const crash = await Promise.race([stopped, stack.crashed]);
        if (crash) throw crash;
      } finally {
        await stack.stop();
        console.log('Local stack stopped.');
      }
    } finally {
      interrupt.dispose();
    }
  });
}

/**
 * Starts the stack, creates the table and stream, checks that the delivery's checkpoints name positions of the
 * stream (before anything writes), and prints where everything is. `options.abortSignal` abandons all that.
 */
export async function startStackWithResources(
  options: StackOptions,
  log: (line: string) => void = console.log,
): Promise<{ stack: LocalStack; resources: PipelineResources }> {
  const started = performance.now();
  const signal = options.abortSignal;
  const stack = await startLocalStack(
    { dataDir: options.dataDir, dynamodbPort: options.dynamodbPort, kinesisPort: options.kinesisPort },
    signal,
  );
  try {
    const resources = await unlessAborted(
      ensurePipelineResources(stack.clients, {
        tableName: options.table,
        streamName: options.stream,
        shardCount: options.shards,
      }),
      signal,
    );
    await unlessAborted(
      checkDeliveryCheckpoints(
        stack.clients.kinesis,
        deliveryCheckpointDir(stack.dataDir),
        resources.stream.streamName,
      ),
      signal,
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    log(`Local stack up in ${seconds} s (data dir ${stack.dataDir}, Java ${stack.java.version})`);
    log(
      `  DynamoDB Local  ${stack.dynamodbEndpoint}  table ${resources.table.tableName}${resources.table.created ? ' (created)' : ''}`,
    );
    log(
      `  Kinesis         ${stack.kinesisEndpoint}  stream ${resources.stream.streamName}, ${resources.stream.shardCount} shards${resources.stream.created ? ' (created)' : ''}`,
    );
    return { stack, resources };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

/** `work`, or StartInterruptedError as soon as `signal` aborts (the caller then stops the stack under it). */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new StartInterruptedError());
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(new StartInterruptedError());
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
