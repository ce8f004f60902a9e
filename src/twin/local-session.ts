import type { AwsClients } from '../aws/aws-clients.ts';
import { DuckDbLake } from '../catalog/duckdb-lake.ts';
import { preflightDataDir, resolveExistingDataDir } from '../local/data-dir-preflight.ts';
import { findRunningStack } from '../local/stack-lock.ts';
import {
  type CheckOptions,
  type CurrentOrdersCheck,
  checkCurrentOrders,
} from '../observe/current-orders-check.ts';
import { connectToClients } from './stack-connection.ts';
import { type StackOptions, startStackWithResources } from './stack-start.ts';

/** The local twin as a command that repairs the lake finds it: clients of its stack and its names. */
export interface LocalSession {
  readonly clients: Pick<AwsClients, 'dynamodb' | 'kinesis'>;
  readonly dataDir: string;
  readonly tableName: string;
  readonly streamName: string;
}

/**
 * Runs `work` against the stack of an existing data dir: the one running from it (`up`, `local`) if any, or a
 * stack started for the while and stopped after, whatever happens.
 */
export async function withLocalStack<T>(
  options: StackOptions,
  log: (line: string) => void,
  work: (session: LocalSession) => Promise<T>,
): Promise<T> {
  const dataDir = resolveExistingDataDir(options.dataDir);
  const names = { dataDir, tableName: options.table, streamName: options.stream };
  const running = await findRunningStack(dataDir);
  if (running) {
    log(`Using the local stack running from ${dataDir} (pid ${running.pid}).`);
    const clients = await connectToClients({ target: 'local', dataDir });
    try {
      return await work({ clients, ...names });
    } finally {
      clients.destroy();
    }
  }
  await preflightDataDir(dataDir, { startsStack: true });
  const { stack } = await startStackWithResources(options, log);
  try {
    return await work({ clients: stack.clients, ...names });
  } finally {
    await stack.stop();
    log('Local stack stopped.');
  }
}

/** The central invariant over the session's lake and table (docs/reliability.md). */
export async function checkSession(
  session: LocalSession,
  lakeDir: string,
  options: CheckOptions = {},
): Promise<CurrentOrdersCheck> {
  const lake = await DuckDbLake.open(lakeDir);
  try {
    return await checkCurrentOrders(lake, session.clients.dynamodb, session.tableName, options);
  } finally {
    lake.close();
  }
}
