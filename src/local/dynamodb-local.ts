import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LOCAL_CREDENTIALS } from '../aws/aws-connection.ts';
import { logsFolder } from './data-dir.ts';
import { findFreePort } from './free-port.ts';
import { LocalServerStartError } from './local-stack-errors.ts';
import { waitUntilAnswering } from './server-readiness.ts';
import { isMessage, type SupervisedProcess, startSupervisedProcess } from './supervised-process.ts';

export interface DynamoDbLocalOptions {
  readonly host: string;
  /** Fixed port, or undefined to take a free one. */
  readonly port: number | undefined;
  /** Absolute folder for the shared database file. */
  readonly dbPath: string;
  readonly logFile: string;
  readonly startTimeoutMs: number;
  /** Abandons the start: the server is stopped and the start fails at once. */
  readonly signal?: AbortSignal;
}

export interface RunningServer {
  readonly endpoint: string;
  readonly port: number;
  /** Process ids that must be gone once the server has stopped (the supervisor, the JVM). */
  readonly pids: readonly number[];
  /** Resolves if the server exits on its own (a crash): stopping it never resolves this. */
  readonly crashed: Promise<string>;
  stop(): Promise<void>;
}

const BIND_ATTEMPTS_ON_FREE_PORT = 3;

/**
 * Starts the official DynamoDB Local (sharedDb, persisted in `dbPath`) and resolves once it answers
 * ListTables. A free port that another process grabs before the JVM binds it is retried with a new port.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<RunningServer> {
  await mkdir(options.dbPath, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await findFreePort(options.host));
    try {
      return await startOnPort(options, port);
    } catch (error) {
      const portTaken =
        error instanceof LocalServerStartError && /BindException|Address already in use/.test(error.message);
      const last = options.port !== undefined || attempt >= BIND_ATTEMPTS_ON_FREE_PORT;
      if (last || !portTaken || options.signal?.aborted) throw error;
    }
  }
}

async function startOnPort(options: DynamoDbLocalOptions, port: number): Promise<RunningServer> {
  // Telemetry doubles start-up time and writes into node_modules.
  const env = { ...process.env, DDB_LOCAL_TELEMETRY: '0' };
  const keeper = startSupervisedProcess(
    'DynamoDB Local',
    new URL('./dynamodb-local-process.ts', import.meta.url),
    [String(port), options.dbPath, options.logFile],
    env,
  );
  const abandon = () => void keeper.stop();
  options.signal?.addEventListener('abort', abandon, { once: true });
  try {
    return await answerOn(options, port, keeper);
  } finally {
    options.signal?.removeEventListener('abort', abandon);
  }
}

async function answerOn(
  options: DynamoDbLocalOptions,
  port: number,
  keeper: SupervisedProcess,
): Promise<RunningServer> {
  let javaOutput = '';
  const javaPid = await keeper
    .waitForMessage((m) => (isMessage(m, 'spawned') ? Number(m.javaPid) : undefined), options.startTimeoutMs)
    .catch(async (error: unknown) => {
      await keeper.stop();
      throw new LocalServerStartError('DynamoDB Local', String(error), keeper.recentOutput());
    });
  const javaExited = keeper.waitForMessage(
    (m) => {
      if (!isMessage(m, 'java-exit')) return undefined;
      javaOutput = String(m.output ?? '');
      return m;
    },
    2 ** 31 - 1,
  );
  javaExited.catch(() => undefined);

  const endpoint = `http://${options.host}:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 2_000 }),
  });
  const failure = await waitUntilAnswering(
    () => client.send(new ListTablesCommand({ Limit: 1 })),
    Promise.race([javaExited, keeper.exited]),
    options.startTimeoutMs,
  );
  client.destroy();
  if (failure) {
    await keeper.stop();
    // DynamoDB Local exits 0 on a bad -dbPath, so its own words are the only useful diagnosis.
    throw new LocalServerStartError('DynamoDB Local', failure, javaOutput || keeper.recentOutput());
  }
  let stopping = false;
  const crashed = new Promise<string>((resolve) => {
    void keeper.exited.then(() => {
      if (!stopping)
        resolve(`DynamoDB Local exited unexpectedly; see ${options.logFile}. Last output:\n${javaOutput}`);
    });
  });
  return {
    endpoint,
    port,
    pids: [keeper.pid, javaPid],
    crashed,
    stop: () => {
      stopping = true;
      return keeper.stop();
    },
  };
}

/** Where DynamoDB Local's own output goes, under the data dir. */
export function dynamoDbLogFile(dataDir: string): string {
  return join(logsFolder(dataDir), 'dynamodb-local.log');
}
