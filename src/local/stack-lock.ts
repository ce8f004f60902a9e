import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sleep } from '../aws/backoff.ts';
import { DataDirInUseError } from './local-stack-errors.ts';

/** What a running local stack publishes in `<data-dir>/local-stack.json` for other commands to find. */
export interface StackRecord {
  readonly pid: number;
  readonly dynamodbEndpoint: string;
  readonly kinesisEndpoint: string;
  /** Server processes; after a crash of `pid` they must be gone before the data dir is reused. */
  readonly serverPids: readonly number[];
  readonly startedAt: string;
}

const FILE = 'local-stack.json';
const STALE_SERVER_WAIT_MS = 15_000;

export function stackRecordPath(dataDir: string): string {
  return join(dataDir, FILE);
}

/**
 * Takes the data directory for this process: one local stack per data dir (two JVMs on one database file
 * corrupt it). A record left by a dead process is taken over once its servers are gone; a live owner wins.
 * Returns a function that publishes the endpoints, and one that releases the lock.
 */
export async function lockDataDir(dataDir: string): Promise<{
  publish(record: Omit<StackRecord, 'pid' | 'startedAt'>): Promise<void>;
  release(): Promise<void>;
}> {
  await mkdir(dataDir, { recursive: true });
  const path = stackRecordPath(dataDir);
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const previous = await readStackRecord(dataDir);
    if (previous && isAlive(previous.pid)) {
      throw new DataDirInUseError(dataDir, previous.pid, describe(previous));
    }
    await waitForExit(previous?.serverPids ?? [], dataDir, previous);
    await rm(path, { force: true });
  }
  const startedAt = new Date().toISOString();
  return {
    async publish(record) {
      const full: StackRecord = { pid: process.pid, startedAt, ...record };
      await writeRecordAtomically(path, full);
    },
    async release() {
      const current = await readStackRecord(dataDir);
      if (current?.pid === process.pid) await rm(path, { force: true });
    },
  };
}

/** The record of the stack running from `dataDir`, or undefined when none runs there. */
export async function findRunningStack(dataDir: string): Promise<StackRecord | undefined> {
  const record = await readStackRecord(dataDir);
  return record && isAlive(record.pid) && record.dynamodbEndpoint ? record : undefined;
}

async function readStackRecord(dataDir: string): Promise<StackRecord | undefined> {
  try {
    const parsed = JSON.parse(await readFile(stackRecordPath(dataDir), 'utf8')) as Partial<StackRecord>;
    if (typeof parsed.pid !== 'number') return undefined;
    return {
      pid: parsed.pid,
      dynamodbEndpoint: parsed.dynamodbEndpoint ?? '',
      kinesisEndpoint: parsed.kinesisEndpoint ?? '',
      serverPids: parsed.serverPids ?? [],
      startedAt: parsed.startedAt ?? '',
    };
  } catch {
    // Missing, or half-written by a process that died while taking the lock: both mean "not running".
    return undefined;
  }
}

async function writeRecordAtomically(path: string, record: StackRecord): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  const handle = await open(temp, 'w');
  await handle.writeFile(JSON.stringify(record, null, 2));
  await handle.sync();
  await handle.close();
  await rename(temp, path);
}

async function waitForExit(pids: readonly number[], dataDir: string, previous: StackRecord | undefined) {
  const deadline = Date.now() + STALE_SERVER_WAIT_MS;
  for (;;) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0) return;
    if (Date.now() > deadline) {
      throw new DataDirInUseError(
        dataDir,
        alive[0] ?? 0,
        `left running by the stopped stack ${previous ? describe(previous) : ''}; kill ${alive.join(', ')}`,
      );
    }
    await sleep(100);
  }
}

function describe(record: StackRecord): string {
  return record.dynamodbEndpoint
    ? `DynamoDB Local at ${record.dynamodbEndpoint}, Kinesis at ${record.kinesisEndpoint}`
    : 'starting';
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
