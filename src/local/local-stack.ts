import { mkdir } from 'node:fs/promises';
import { type AwsClients, createAwsClients } from '../aws/aws-clients.ts';
import { ensureKinesisStream, type KinesisStream } from '../aws/kinesis-stream.ts';
import { ensureOrdersTable, type OrdersTable } from '../aws/orders-table.ts';
import { type ResourceNames, ResourceNamesSchema } from '../aws/resource-names.ts';
import { dynamodbFolder, kinesisFolder, logsFolder } from './data-dir.ts';
import { dynamoDbLogFile, type RunningServer, startDynamoDbLocal } from './dynamodb-local.ts';
import { checkJavaRuntime, type JavaRuntime } from './java-runtime.ts';
import { startKinesisLocal } from './kinesis-local.ts';
import { type LocalStackConfig, LocalStackConfigSchema } from './local-stack-config.ts';
import { LocalServerCrashedError, StartInterruptedError } from './local-stack-errors.ts';
import { lockDataDir } from './stack-lock.ts';

/** The local twin's servers, running. */
export interface LocalStack {
  readonly dataDir: string;
  readonly java: JavaRuntime;
  readonly dynamodbEndpoint: string;
  readonly kinesisEndpoint: string;
  /** Process ids of the servers (supervisors and the JVM); all gone after `stop`. */
  readonly serverPids: readonly number[];
  /** Resolves with an error if a server dies while the stack runs (never after `stop`). */
  readonly crashed: Promise<LocalServerCrashedError>;
  /** SDK clients bound to the local endpoints. */
  readonly clients: AwsClients;
  /** Stops every server and releases the data dir; safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local and the Kinesis server over `<dataDir>/dynamodb` and `<dataDir>/kinesis`, waits until
 * both answer, and publishes their endpoints in `<dataDir>/local-stack.json`. Java is checked first, so a
 * missing or old Java fails before anything starts. On any failure, whatever did start is stopped again; so
 * it is when `signal` aborts (Ctrl-C while starting), which then fails with StartInterruptedError.
 */
export async function startLocalStack(
  input: Partial<LocalStackConfig> = {},
  signal?: AbortSignal,
): Promise<LocalStack> {
  const config = LocalStackConfigSchema.parse(input);
  const java = checkJavaRuntime();
  if (signal?.aborted) throw new StartInterruptedError();
  const lock = await lockDataDir(config.dataDir);
  const started: RunningServer[] = [];
  const stopAll = async () => {
    await Promise.allSettled(started.map((server) => server.stop()));
    await lock.release();
  };
  try {
    await mkdir(logsFolder(config.dataDir), { recursive: true });
    const [dynamodb, kinesis] = await Promise.allSettled([
      startDynamoDbLocal({
        host: config.host,
        port: config.dynamodbPort,
        dbPath: dynamodbFolder(config.dataDir),
        logFile: dynamoDbLogFile(config.dataDir),
        startTimeoutMs: config.startTimeoutMs,
        signal,
      }),
      startKinesisLocal({
        host: config.host,
        port: config.kinesisPort,
        storePath: kinesisFolder(config.dataDir),
        startTimeoutMs: config.startTimeoutMs,
        signal,
      }),
    ]);
    for (const result of [dynamodb, kinesis]) if (result.status === 'fulfilled') started.push(result.value);
    if (signal?.aborted) throw new StartInterruptedError();
    if (dynamodb.status === 'rejected') throw dynamodb.reason;
    if (kinesis.status === 'rejected') throw kinesis.reason;

    const serverPids = started.flatMap((server) => server.pids);
    await lock.publish({
      dynamodbEndpoint: dynamodb.value.endpoint,
      kinesisEndpoint: kinesis.value.endpoint,
      serverPids,
    });
    const clients = createAwsClients(
      { endpoint: dynamodb.value.endpoint },
      { endpoint: kinesis.value.endpoint },
    );
    let stopping: Promise<void> | undefined;
    return {
      dataDir: config.dataDir,
      java,
      dynamodbEndpoint: dynamodb.value.endpoint,
      kinesisEndpoint: kinesis.value.endpoint,
      serverPids,
      crashed: Promise.race(started.map((server) => server.crashed)).then(
        (reason) => new LocalServerCrashedError(reason),
      ),
      clients,
      stop() {
        stopping ??= (async () => {
          clients.destroy();
          await stopAll();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

export interface PipelineResources {
  readonly table: OrdersTable;
  readonly stream: KinesisStream;
}

/** Creates (idempotently) the orders table with its stream and the Kinesis stream. */
export async function ensurePipelineResources(
  clients: AwsClients,
  input: Partial<ResourceNames> = {},
): Promise<PipelineResources> {
  const names = ResourceNamesSchema.parse(input);
  const [table, stream] = await Promise.all([
    ensureOrdersTable(clients.dynamodb, names.tableName),
    ensureKinesisStream(clients.kinesis, names.streamName, names.shardCount),
  ]);
  return { table, stream };
}
