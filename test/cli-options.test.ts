import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalStack } from '../src/local/local-stack.ts';
import { waitFor } from './helpers/processes.ts';
import { CLI, collectOutput, runCli, spawnTsx } from './helpers/spawn-tsx.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

/**
 * Issue 13, "check everything before the first write": a bad option value is refused when the command line is
 * parsed, and a data dir that cannot work is refused before the stack starts or the table is written — each
 * in one line (`error: …`, no stack trace) naming the value or the file and the fix.
 */

const dirs: Array<{ remove(): void }> = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of dirs) dir.remove();
});
function tempDir(): string {
  const dir = makeTempDir('cli-options');
  dirs.push(dir);
  return dir.path;
}

/** stderr is exactly one line, the error, with no stack trace. */
function expectOneErrorLine(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => line.trim() !== '');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(stderr).not.toMatch(/^\s+at /m);
  return lines[0] ?? '';
}

// One case per kind of rule; option-parsers.test.ts checks every parser's edges in-process.
describe.concurrent('a bad option value is refused at parse time (exit 2, nothing started)', () => {
  it.each([
    [
      'a count past 2^53',
      ['up', '--orders', '1e300'],
      /--orders is a whole number from 1 to 9007199254740991, got "1e300"/,
    ],
    [
      'too much concurrency',
      ['up', '--concurrency', '1e6'],
      /--concurrency is a whole number from 1 to 64 .*got "1e6"/,
    ],
    ['an empty seed', ['up', '--seed', ''], /--seed is at least 1 character or a number, got ""/],
    [
      'a bad table name',
      ['up', '--table', 'bad!name'],
      /--table is 3 to 255 characters of \[a-zA-Z0-9_.-\] .*got "bad!name"/,
    ],
    [
      'an empty stream name',
      ['up', '--stream', ''],
      /--stream is 1 to 128 characters of \[a-zA-Z0-9_.-\] .*got ""/,
    ],
    [
      'too many shards',
      ['up', '--shards', '100000'],
      /--shards is a whole number from 1 to 100 .*got "100000"/,
    ],
    [
      'a rate that never ends a bounded run',
      ['up', '--rate', '1e-9', '--orders', '2', '--exit-when-drained'],
      /--rate is a number >= 0\.01 or "max" \(changes per second: at least one change every 100 s\), got "1e-9"/,
    ],
    ['an unknown choice', ['up', '--write-mode', 'fast'], /Allowed choices are auto, single, batch/],
  ] as const)('%s', async (_, [command, ...args], message) => {
    const dataDir = join(tempDir(), 'data');
    const { code, stderr } = await runCli([command, '--data-dir', dataDir, ...args]);
    expect(code, stderr).toBe(2);
    expect(expectOneErrorLine(stderr)).toMatch(message);
    expect(existsSync(dataDir)).toBe(false); // no folder made, so no lock taken and no server started
  });

  it('refuses --exit-when-drained without a count before anything starts', async () => {
    const dataDir = join(tempDir(), 'data');
    const { code, stderr } = await runCli(['up', '--data-dir', dataDir, '--exit-when-drained']);
    expect(code).toBe(2);
    expect(expectOneErrorLine(stderr)).toContain('add --orders <n>');
    expect(existsSync(dataDir)).toBe(false);
  });
});

/** The command line of a small bounded `up` over `dataDir`. */
function boundedUp(dataDir: string): string[] {
  return ['up', '--data-dir', dataDir, '--orders', '5', '--exit-when-drained', '--no-dashboard'];
}

/** A bounded `up` that must stop before the stack starts: no server store is created, no table written. */
async function upRefuses(dataDir: string): Promise<string> {
  const { code, stdout, stderr } = await runCli(boundedUp(dataDir));
  expect(code, stderr).toBe(1);
  expect(stdout).toBe('');
  expect(existsSync(join(dataDir, 'dynamodb'))).toBe(false);
  expect(existsSync(join(dataDir, 'kinesis'))).toBe(false);
  return expectOneErrorLine(stderr);
}

function checkpointFile(dataDir: string, stage: 'pipe' | 'delivery', content: string): string {
  const shards = join(
    dataDir,
    'checkpoints',
    stage,
    stage === 'pipe' ? 'OrdersRawTable-x' : 'orders-cdc',
    'shards',
  );
  mkdirSync(shards, { recursive: true });
  const file = join(shards, 'shardId-000000000000.json');
  writeFileSync(file, content);
  return file;
}

describe.concurrent('a data dir that cannot work is refused before the stack starts', () => {
  it('a data dir under a file', async () => {
    const file = join(tempDir(), 'file');
    writeFileSync(file, '');
    expect(await upRefuses(join(file, 'data'))).toBe(
      `error: Cannot use the folder ${join(file, 'data')}: it lies under the file ${file}. ` +
        'Pass a folder you can write instead (the default data dir is ./.gadget-cdc).',
    );
  });

  it.skipIf(!existsSync('/proc/self'))('/proc/x, which used to hang and ignore SIGTERM', async () => {
    const { code, stderr } = await runCli(['up', '--data-dir', '/proc/x']);
    expect(code).toBe(1);
    expect(expectOneErrorLine(stderr)).toContain(
      'Cannot use the folder /proc/x: it cannot be created (ENOENT)',
    );
  });

  it.each(['pipe', 'delivery'] as const)('a damaged %s checkpoint', async (stage) => {
    const dataDir = tempDir();
    const file = checkpointFile(dataDir, stage, '{"shardId": "shardId-000000000000", "sequenceNum');
    const line = await upRefuses(dataDir);
    expect(line).toContain(`error: Checkpoint ${file} cannot be read (`);
    expect(line).toContain(`Move it aside (mv '${file}' '${file}.damaged')`);
  });

  it('a damaged up-status.json', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'up-status.json'), '{"pid": 12, "state": "runn');
    expect(await upRefuses(dataDir)).toMatch(
      new RegExp(`^error: ${join(dataDir, 'up-status.json')} .*delete`),
    );
  });

  it('a damaged local-stack.json', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'local-stack.json'), 'garbage');
    expect(await upRefuses(dataDir)).toMatch(
      new RegExp(`^error: ${join(dataDir, 'local-stack.json')} cannot be read .*delete that file`),
    );
  });

  it.skipIf(!existsSync('/proc/self'))(
    'a local-stack.json whose pid now names a Node process it cannot tell from a stack of ours',
    async () => {
      const dataDir = tempDir();
      const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
      children.push(other);
      await new Promise((resolve) => other.once('spawn', resolve));
      const record = JSON.stringify({ pid: other.pid, startedAt: '2026-01-01T00:00:00Z' }); // an older record
      writeFileSync(join(dataDir, 'local-stack.json'), record);
      const line = await upRefuses(dataDir);
      expect(line).toContain(`may be in use by process ${other.pid}`);
      expect(line).toContain(`${join(dataDir, 'local-stack.json')} names it`);
      expect(readFileSync(join(dataDir, 'local-stack.json'), 'utf8')).toBe(record);
    },
  );
});

describe('checks that need the stack still come before the first write', () => {
  it('a delivery checkpoint naming a sequence number its stream does not have', async () => {
    const dataDir = tempDir();
    const file = checkpointFile(
      dataDir,
      'delivery',
      JSON.stringify({
        shardId: 'shardId-000000000000',
        sequenceNumber: '49680749674583846835221139018689971042783843530580164619',
        finished: false,
        updatedAt: '2026-01-01T00:00:00Z',
      }),
    );
    const { code, stdout, stderr } = await runCli(boundedUp(dataDir));
    expect(code, stderr).toBe(1);
    expect(stdout).not.toContain('Generating');
    const errors = stderr.split('\n').filter((line) => line.startsWith('error: '));
    expect(errors, stderr).toHaveLength(1);
    expect(errors[0]).toContain(
      `Checkpoint ${file} cannot be read (Kinesis stream kinesis-sales-order has no sequence number`,
    );
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(dataDir, 'local-stack.json'))).toBe(false); // every server stopped, the lock released

    const stack = await startLocalStack({ dataDir });
    try {
      const scan = await stack.clients.dynamodb.send(
        new ScanCommand({ TableName: 'OrdersRawTable', Select: 'COUNT' }),
      );
      expect(scan.Count).toBe(0);
    } finally {
      await stack.stop();
    }
  });

  it('SIGTERM while the stack starts stops it: every server, and the lock released', async () => {
    const dataDir = tempDir();
    const cli = spawnTsx(CLI, ['up', '--data-dir', dataDir, '--no-dashboard']);
    children.push(cli);
    const output = collectOutput(cli);
    // The lock is taken and the servers are starting once the logs folder is there.
    expect(await waitFor(() => existsSync(join(dataDir, 'logs')), 30_000)).toBe(true);
    const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
    cli.kill('SIGTERM');
    expect(await exited).toBe(1);
    const { stdout, stderr } = output.text();
    expect(stdout).not.toContain('Generating');
    expect(stderr).toContain('error: Interrupted while the local stack was starting');
    expect(readdirSync(dataDir)).not.toContain('local-stack.json');
  });
});
