import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeRunStatus } from '../src/local/run-status.ts';
import { writeLakeOf } from './helpers/lake-of-events.ts';
import { waitFor } from './helpers/processes.ts';
import { CLI, collectOutput, runCli, spawnTsx } from './helpers/spawn-tsx.ts';
import { ORDER_IMAGE, streamRecord } from './helpers/stream-records.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

describe('gadget-cdc dashboard', () => {
  it('serves the page over a stopped data dir’s lake, and stops on Ctrl-C', async () => {
    const data = makeTempDir('dashboard-command');
    try {
      await writeLakeOf(`${data.path}/lake`, [
        streamRecord({ eventName: 'INSERT', newImage: ORDER_IMAGE, sequenceNumber: '1', eventID: 'e1' }),
      ]);
      // As a finished `up` run leaves it.
      writeRunStatus(data.path, {
        pid: process.pid,
        startedAt: '2026-12-01T10:00:00.000Z',
        updatedAt: '2026-12-01T10:05:00.000Z',
        state: 'stopped',
        line: '1 changes · captured 1 (0 behind) · delivered 1 (0 behind, freshness 0.0 s) · failed 0 · 1 files',
      });
      const cli = spawnTsx(CLI, ['dashboard', '--data-dir', data.path]);
      const output = collectOutput(cli);
      expect(
        await waitFor(() => /Dashboard: (\S+)/.test(output.text().stdout), 30_000),
        output.text().stderr,
      ).toBe(true);
      const url = /Dashboard: (\S+)/.exec(output.text().stdout)?.[1] ?? '';
      const snapshot = (await (await fetch(`${url}api/snapshot`)).json()) as {
        sales: { totals: { orders: number; revenue: number } };
        health: { source: string; run?: { state: string; line: string } };
      };
      expect(snapshot.health.source).toBe('data dir');
      expect(snapshot.health.run).toEqual({
        state: 'stopped cleanly (2026-12-01T10:05:00.000Z)',
        line: expect.stringMatching(/^1 changes · captured 1/),
      });
      expect(snapshot.sales.totals).toMatchObject({ orders: 1, revenue: 2 * 1299.9 });
      expect((await fetch(url)).headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      const exited = new Promise((resolve) => cli.once('exit', resolve));
      cli.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      data.remove();
    }
  });
});

describe('gadget-cdc dashboard --target aws', () => {
  const home = makeTempDir('dashboard-aws-home');
  afterAll(() => home.remove());

  /**
   * The CLI with no AWS configuration but `env` (no AWS_* variables, an empty home, instance metadata off), so
   * that no request leaves the machine.
   */
  function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')),
    );
    const child = spawn(process.execPath, [CLI, 'dashboard', '--target', 'aws', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...clean,
        HOME: home.path,
        AWS_CONFIG_FILE: join(home.path, 'no-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home.path, 'no-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...env,
      },
    });
    const out = collectOutput(child);
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.once('close', (code) => resolve({ code, ...out.text() })),
    );
  }

  it('documents its options', async () => {
    const { code, stdout } = await runCli(['dashboard', '--help']);
    expect(code).toBe(0);
    const help = stdout.replace(/\s+/g, ' ');
    expect(help).toContain('--target <target>');
    expect(help).toMatch(
      /--refresh <seconds> seconds from one refresh to the next, for --target aws \(at least 60/,
    );
    expect(help).toContain('(default: 60)');
    expect(help).toMatch(/--price-per-tb <usd> .* \(default: 5\)/);
    expect(help).toMatch(/--stack <name> .* \(default: "GadgetSalesCdc"\)/);
  });

  it('refuses a refresh under a minute, in one line, before anything starts', async () => {
    const { code, stderr } = await cli(['--refresh', '30']);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(
      "error: option '--refresh <seconds>' argument '30' is invalid. --refresh is whole seconds from 60 to 3600, got \"30\".",
    );
  });

  it('says in one line what is missing: the region, then the credentials', async () => {
    const noRegion = await cli([]);
    expect(noRegion.code).toBe(1);
    expect(noRegion.stderr.trim()).toMatch(/^error: No AWS region for Athena\. Pass --region <region>/);
    const noCredentials = await cli(['--region', 'eu-west-1']);
    expect(noCredentials.code).toBe(1);
    expect(noCredentials.stderr.trim()).toMatch(
      /^error: No AWS credentials for Athena \(.*\)\. Pass --profile <name>/,
    );
    expect(noCredentials.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('says the stack it needs cannot be read, and what to check', async () => {
    // CloudFormation at a port where nothing listens: the lookup fails at once, on this machine.
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const { code, stderr } = await cli(['--region', 'eu-west-1', '--stack', 'MyCdc'], {
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_ENDPOINT_URL_CLOUDFORMATION: `http://127.0.0.1:${closed}`,
    });
    expect(code).toBe(1);
    const line = stderr.trim();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(/^error: Stack "MyCdc" in region eu-west-1 cannot be read \(/);
    expect(line).toContain(
      "allow cloudformation:DescribeStacks. The dashboard on AWS reads the stack's outputs (its bucket, pipe, " +
        'stream, delivery stream, transform function and alarms): deploy it with `npm run deploy`, or pass ' +
        '--stack <name> and --region <region> of the stack you deployed.',
    );
  });
});
