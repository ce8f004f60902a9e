import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { DamagedStateFileError, DataDirInUseError } from './local-stack-errors.ts';
import { processStartTime } from './process-identity.ts';
import { findRunningStack, lockDataDir, type StackRecord, stackRecordPath } from './stack-lock.ts';

const hasProc = existsSync(`/proc/${process.pid}/stat`);
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function dataDir(): string {
  const dir = makeTempDir('stack-lock');
  cleanups.push(dir.remove);
  return dir.path;
}

/** A live process that is not a stack of ours: `node` (one of ours could be) or not. */
async function otherProcess(kind: 'node' | 'sleep'): Promise<number> {
  const child: ChildProcess =
    kind === 'node'
      ? spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
      : spawn('sleep', ['60'], { stdio: 'ignore' });
  cleanups.push(() => child.kill('SIGKILL'));
  await new Promise((resolve) => child.once('spawn', resolve));
  return child.pid as number;
}

function writeRecord(dir: string, record: Partial<StackRecord>): void {
  writeFileSync(stackRecordPath(dir), JSON.stringify({ startedAt: '2026-01-01T00:00:00Z', ...record }));
}

describe('the data dir lock (local-stack.json)', () => {
  it('records the start time of its process, and a live owner keeps the data dir', async () => {
    const dir = dataDir();
    const lock = await lockDataDir(dir);
    try {
      const record = JSON.parse(readFileSync(stackRecordPath(dir), 'utf8')) as StackRecord;
      expect(record.pid).toBe(process.pid);
      if (hasProc) expect(record.processStartTimes?.[process.pid]).toBe(processStartTime(process.pid));
      await expect(lockDataDir(dir)).rejects.toThrow(DataDirInUseError);
      await expect(lockDataDir(dir)).rejects.not.toThrow(/local-stack\.json/); // no doubt: the file is not named
    } finally {
      await lock.release();
    }
    expect(existsSync(stackRecordPath(dir))).toBe(false);
  });

  it.skipIf(!hasProc)(
    'takes over a record whose pid now names another process (a different start time)',
    async () => {
      const dir = dataDir();
      const pid = await otherProcess('node');
      const serverPid = await otherProcess('sleep');
      writeRecord(dir, {
        pid,
        dynamodbEndpoint: 'http://127.0.0.1:1',
        kinesisEndpoint: 'http://127.0.0.1:2',
        serverPids: [serverPid],
        processStartTimes: { [pid]: '1', [serverPid]: '1' },
      });
      expect(await findRunningStack(dir)).toBeUndefined();
      const lock = await lockDataDir(dir);
      expect((JSON.parse(readFileSync(stackRecordPath(dir), 'utf8')) as StackRecord).pid).toBe(process.pid);
      await lock.release();
    },
  );

  it.skipIf(!hasProc)(
    'takes over an older record (no start times) whose live pid is no Node process',
    async () => {
      const dir = dataDir();
      writeRecord(dir, { pid: await otherProcess('sleep') });
      const lock = await lockDataDir(dir);
      await lock.release();
    },
  );

  it.skipIf(!hasProc)(
    'names the file when an older record names a live Node process it cannot tell from ours',
    async () => {
      const dir = dataDir();
      const pid = await otherProcess('node');
      writeRecord(dir, { pid });
      const refusal = lockDataDir(dir);
      await expect(refusal).rejects.toThrow(DataDirInUseError);
      await expect(lockDataDir(dir)).rejects.toThrow(
        new RegExp(`may be in use by process ${pid} .*: ${stackRecordPath(dir)} names it.* delete that file`),
      );
    },
  );

  it('refuses a damaged record, naming it, rather than guess who runs there', async () => {
    const dir = dataDir();
    writeFileSync(stackRecordPath(dir), '{"pid": 12');
    await expect(lockDataDir(dir)).rejects.toThrow(DamagedStateFileError);
    await expect(lockDataDir(dir)).rejects.toThrow(`${stackRecordPath(dir)} cannot be read (not JSON`);
    expect(await findRunningStack(dir)).toBeUndefined();
  });
});
