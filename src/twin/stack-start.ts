import { checkDeliveryCheckpoints } from '../local/checkpoint-positions.ts';
import {
  ensurePipelineResources,
  type LocalStack,
  type PipelineResources,
  startLocalStack,
} from '../local/local-stack.ts';
import { StartInterruptedError } from '../local/local-stack-errors.ts';
import { deliveryCheckpointDir } from './local-delivery.ts';

/** Where the local stack runs and what it holds: the data dir, its ports, the table and the stream. */
export interface StackOptions {
  dataDir: string;
  dynamodbPort?: number;
  kinesisPort?: number;
  table: string;
  stream: string;
  shards: number;
  /** Abandons the start (Ctrl-C while the stack starts): what started is stopped, StartInterruptedError. */
  abortSignal?: AbortSignal;
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
