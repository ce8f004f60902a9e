import { link, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { sleep } from '../aws/backoff.ts';
import { stackRecordFile } from './data-dir.ts';
import { DamagedStateFileError, DataDirInUseError } from './local-stack-errors.ts';
import { isAlive, processCommandLine, processStartTime, recordedProcessState } from './process-identity.ts';

// Kept importable from here, where other modules and tests have always found it.
export { isAlive };

/** What a running local stack publishes in `<data-dir>/local-stack.json` for other commands to find. */
export interface StackRecord {
  readonly pid: number;
  readonly dynamodbEndpoint: string;
  readonly kinesisEndpoint: string;
  /** Server processes; after a crash of `pid` they must be gone before the data dir is reused. */
  readonly serverPids: readonly number[];
  readonly startedAt: string;
  /**
   * Start time of `pid` and of each server pid (see process-identity.ts), by pid, where /proc tells it: a
   * later process reusing one of the ids is then not taken for ours. Absent in records of older versions.
   */
  readonly processStartTimes?: Readonly<Record<string, string>>;
}

const STALE_SERVER_WAIT_MS = 15_000;
const FIX =
  'If no gadget-cdc command runs from this data dir (check with `ps`), delete that file; otherwise stop that process (Ctrl-C) or pass another --data-dir.';

export function stackRecordPath(dataDir: string): string {
  return stackRecordFile(dataDir);
}

/**
 * Takes the data directory for this process: one local stack per data dir (two JVMs on one database file
 * corrupt it). A record left by a process that is gone (or whose pid now names another process) is taken over
 * once its servers are gone; a live owner wins. (The CLI checks the data dir first: data-dir-preflight.ts.)
 * Returns a function that publishes the endpoints, and one that releases the lock.
 */
export async function lockDataDir(dataDir: string): Promise<{
  publish(record: Omit<StackRecord, 'pid' | 'startedAt' | 'processStartTimes'>): Promise<void>;
  release(): Promise<void>;
}> {
  await mkdir(dataDir, { recursive: true });
  const path = stackRecordPath(dataDir);
  const startedAt = new Date().toISOString();
  const own = (serverPids: readonly number[]) => startTimesOf([process.pid, ...serverPids]);
  for (;;) {
    if (await createExclusively(path, { pid: process.pid, startedAt, processStartTimes: own([]) })) break;
    const stale = await staleStackRecord(dataDir); // throws while a live owner holds it
    if (stale) await waitForExit(stale, dataDir);
    await rm(path, { force: true });
  }
  return {
    async publish(record) {
      const full: StackRecord = {
        pid: process.pid,
        startedAt,
        ...record,
        processStartTimes: own(record.serverPids),
      };
      const temp = `${path}.${process.pid}.tmp`;
      await writeDurably(temp, full);
      await rename(temp, path);
    },
    async release() {
      const current = await readStackRecord(path);
      if (current.state === 'ok' && current.record.pid === process.pid) await rm(path, { force: true });
    },
  };
}

/**
 * Checks `<data-dir>/local-stack.json` before a stack starts there: returns the record when it is stale (its
 * process is gone, or its pid names another process now), undefined when there is none; throws
 * DataDirInUseError while its process runs (or might: then the message names the file) and
 * DamagedStateFileError when it cannot be read.
 */
export async function staleStackRecord(dataDir: string): Promise<StackRecord | undefined> {
  const path = stackRecordPath(dataDir);
  const read = await readStackRecord(path);
  if (read.state === 'missing') return undefined;
  if (read.state === 'damaged') {
    throw new DamagedStateFileError(path, read.problem, `It records which process runs a stack here. ${FIX}`);
  }
  const { record } = read;
  const owner = ownerState(record);
  if (owner === 'running') throw new DataDirInUseError(dataDir, record.pid, describe(record));
  if (owner === 'maybe') {
    const command = processCommandLine(record.pid);
    const detail = command ? `${describe(record)}; it runs \`${command.slice(0, 100)}\`` : describe(record);
    throw new DataDirInUseError(dataDir, record.pid, detail, { recordFile: path, fix: FIX });
  }
  return record;
}

/** The record of the stack running from `dataDir`, or undefined when none runs there. */
export async function findRunningStack(dataDir: string): Promise<StackRecord | undefined> {
  const read = await readStackRecord(stackRecordPath(dataDir));
  if (read.state !== 'ok' || !read.record.dynamodbEndpoint) return undefined;
  return ownerState(read.record) === 'stale' ? undefined : read.record;
}

/**
 * Whether the record's process still runs: surely (the same start time), maybe (alive, but no start time to
 * compare — an older record, or no /proc here — and it is, or may be, Node as ours are) or not ("stale": gone,
 * or its pid names another process now).
 */
function ownerState(record: StackRecord): 'running' | 'maybe' | 'stale' {
  const state = recordedProcessState(record.pid, record.processStartTimes?.[record.pid]);
  if (state === 'running') return 'running';
  if (state !== 'unverified') return 'stale';
  const command = processCommandLine(record.pid);
  return command === undefined || /(^|[/\\ ])node(js)?(\.exe)?( |$)|gadget-cdc/.test(command)
    ? 'maybe'
    : 'stale';
}

type RecordRead =
  | { readonly state: 'missing' }
  | { readonly state: 'damaged'; readonly problem: string }
  | { readonly state: 'ok'; readonly record: StackRecord };

async function readStackRecord(path: string): Promise<RecordRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    return { state: 'damaged', problem: (error as Error).message };
  }
  let parsed: Partial<StackRecord>;
  try {
    parsed = JSON.parse(text) as Partial<StackRecord>;
  } catch (error) {
    return { state: 'damaged', problem: `not JSON: ${(error as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || !Number.isSafeInteger(parsed.pid)) {
    return { state: 'damaged', problem: 'no process id in it' };
  }
  return {
    state: 'ok',
    record: {
      pid: parsed.pid as number,
      dynamodbEndpoint: parsed.dynamodbEndpoint ?? '',
      kinesisEndpoint: parsed.kinesisEndpoint ?? '',
      serverPids: Array.isArray(parsed.serverPids) ? parsed.serverPids : [],
      startedAt: parsed.startedAt ?? '',
      ...(parsed.processStartTimes && { processStartTimes: parsed.processStartTimes }),
    },
  };
}

function startTimesOf(pids: readonly number[]): Record<string, string> {
  const times: Record<string, string> = {};
  for (const pid of pids) {
    const time = processStartTime(pid);
    if (time !== undefined) times[pid] = time;
  }
  return times;
}

/**
 * Creates `path` holding `record` unless it exists (false then). Written whole beside it and linked into place,
 * so the lock never exists half-written; where hard links are not supported, created in place.
 */
async function createExclusively(path: string, record: object): Promise<boolean> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeDurably(temp, record);
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
  } finally {
    await rm(temp, { force: true });
  }
  try {
    await writeDurably(path, record, 'wx');
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function writeDurably(path: string, record: object, flags = 'w'): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.writeFile(JSON.stringify(record, null, 2));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Waits until the stale record's servers are gone: a JVM still shutting down must not meet a new one. */
async function waitForExit(previous: StackRecord, dataDir: string) {
  const deadline = Date.now() + STALE_SERVER_WAIT_MS;
  const stillOurs = (pid: number) => {
    const state = recordedProcessState(pid, previous.processStartTimes?.[pid]);
    if (state !== 'unverified') return state === 'running';
    const command = processCommandLine(pid);
    return command === undefined || /node|java/.test(command); // the servers are Node processes and a JVM
  };
  for (;;) {
    const alive = previous.serverPids.filter(stillOurs);
    if (alive.length === 0) return;
    if (Date.now() > deadline) {
      throw new DataDirInUseError(
        dataDir,
        alive[0] ?? 0,
        `left running by the stopped stack ${describe(previous)}; kill ${alive.join(', ')}`,
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
