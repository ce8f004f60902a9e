import { mkdir } from 'node:fs/promises';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LOCAL_CREDENTIALS } from '../aws/aws-connection.ts';
import type { RunningServer } from './dynamodb-local.ts';
import { LocalServerStartError } from './local-stack-errors.ts';
import { waitUntilAnswering } from './server-readiness.ts';
import { isMessage, type SupervisedProcess, startSupervisedProcess } from './supervised-process.ts';

export interface KinesisLocalOptions {
  readonly host: string;
  readonly port: number | undefined;
  /** Absolute folder for kinesalite's LevelDB store. */
  readonly storePath: string;
  readonly startTimeoutMs: number;
  /** Abandons the start: the server is stopped and the start fails at once. */
  readonly signal?: AbortSignal;
}

/** Starts kinesalite in its own process and resolves once it answers ListStreams. */
export async function startKinesisLocal(options: KinesisLocalOptions): Promise<RunningServer> {
  await mkdir(options.storePath, { recursive: true });
  const server = startSupervisedProcess(
    'Kinesis server (kinesalite)',
    new URL('./kinesis-server-process.ts', import.meta.url),
    [options.host, String(options.port ?? 0), options.storePath],
  );
  const abandon = () => void server.stop();
  options.signal?.addEventListener('abort', abandon, { once: true });
  try {
    return await answerOn(options, server);
  } finally {
    options.signal?.removeEventListener('abort', abandon);
  }
}

async function answerOn(options: KinesisLocalOptions, server: SupervisedProcess): Promise<RunningServer> {
  const fail = async (reason: string): Promise<never> => {
    await server.stop();
    throw new LocalServerStartError('The Kinesis server (kinesalite)', reason, server.recentOutput());
  };
  const answer = await server
    .waitForMessage((m) => {
      if (isMessage(m, 'listening')) return { port: Number(m.port), error: undefined };
      if (isMessage(m, 'listen-failed')) return { port: 0, error: String(m.message) };
      return undefined;
    }, options.startTimeoutMs)
    .catch((error: unknown) => fail(String(error)));
  if (answer.error !== undefined) return fail(answer.error);

  const endpoint = `http://${options.host}:${answer.port}`;
  const client = new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 2_000 }),
    maxAttempts: 1,
  });
  const failure = await waitUntilAnswering(
    () => client.send(new ListStreamsCommand({})),
    server.exited,
    options.startTimeoutMs,
  );
  client.destroy();
  if (failure) return fail(failure);
  let stopping = false;
  const crashed = new Promise<string>((resolve) => {
    void server.exited.then(({ code, signal }) => {
      if (!stopping)
        resolve(
          `The Kinesis server exited unexpectedly (${signal ?? `code ${code}`}): ${server.recentOutput()}`,
        );
    });
  });
  return {
    endpoint,
    port: answer.port,
    pids: [server.pid],
    crashed,
    stop: () => {
      stopping = true;
      return server.stop();
    },
  };
}
