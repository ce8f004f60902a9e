import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalStack } from '../src/local/local-stack.ts';
import type { StackRecord } from '../src/local/stack-lock.ts';
import { waitFor, waitUntilGone } from './helpers/processes.ts';
import { CLI, collectOutput, spawnTsx } from './helpers/spawn-tsx.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

const fixture = fileURLToPath(new URL('./fixtures/start-stack-and-wait.ts', import.meta.url));
const dirs: Array<{ remove(): void }> = [];
afterAll(() => {
  for (const dir of dirs) dir.remove();
});

describe('local stack lifetime', () => {
  it('leaves no JVM and no port behind when its parent is SIGKILLed, and the data dir is usable again', async () => {
    const dataDir = makeTempDir('parent-killed');
    dirs.push(dataDir);
    const parent = spawnTsx(fixture, [dataDir.path]);
    const output = collectOutput(parent);
    expect(await waitFor(() => output.text().stdout.includes('\n'), 60_000), output.text().stderr).toBe(true);
    const started = JSON.parse(output.text().stdout.trim()) as { serverPids: number[]; endpoints: string[] };
    expect(started.serverPids).toHaveLength(3);

    parent.kill('SIGKILL');
    expect(await waitUntilGone(started.serverPids, started.endpoints)).toEqual({
      alivePids: [],
      busyPorts: [],
    });

    const again = await startLocalStack({ dataDir: dataDir.path });
    await again.stop();
  });

  it('stops cleanly on Ctrl-C (SIGINT) of `gadget-cdc local`', async () => {
    const dataDir = makeTempDir('ctrl-c');
    dirs.push(dataDir);
    const cli = spawnTsx(CLI, ['local', '--data-dir', dataDir.path]);
    const output = collectOutput(cli);
    expect(
      await waitFor(() => output.text().stdout.includes('Ctrl-C stops it'), 60_000),
      output.text().stderr,
    ).toBe(true);
    expect(output.text().stdout).toMatch(
      /DynamoDB Local {2}http:\/\/127\.0\.0\.1:\d+ {2}table OrdersRawTable \(created\)/,
    );
    const record = JSON.parse(readFileSync(join(dataDir.path, 'local-stack.json'), 'utf8')) as StackRecord;

    const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
    cli.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output.text().stdout).toContain('Local stack stopped.');
    expect(
      await waitUntilGone(record.serverPids, [record.dynamodbEndpoint, record.kinesisEndpoint], 5_000),
    ).toEqual({
      alivePids: [],
      busyPorts: [],
    });
  });

  it('reports a crashed server and stops the rest', async () => {
    const dataDir = makeTempDir('crash');
    dirs.push(dataDir);
    const cli = spawnTsx(CLI, ['local', '--data-dir', dataDir.path]);
    const output = collectOutput(cli);
    expect(
      await waitFor(() => output.text().stdout.includes('Ctrl-C stops it'), 60_000),
      output.text().stderr,
    ).toBe(true);
    const record = JSON.parse(readFileSync(join(dataDir.path, 'local-stack.json'), 'utf8')) as StackRecord;
    const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
    const javaPid = record.serverPids[1] ?? 0;
    process.kill(javaPid, 'SIGKILL');
    expect(await exited).toBe(1);
    expect(output.text().stderr).toMatch(/DynamoDB Local exited unexpectedly; see .*dynamodb-local\.log/);
    expect(await waitUntilGone(record.serverPids, [record.kinesisEndpoint], 5_000)).toEqual({
      alivePids: [],
      busyPorts: [],
    });
  });
});
