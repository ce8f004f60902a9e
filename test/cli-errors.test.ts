import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../src/local/free-port.ts';
import { writeRunStatus } from '../src/local/run-status.ts';
import { writeLakeOf } from './helpers/lake-of-events.ts';
import { CLI, collectOutput, runCli } from './helpers/spawn-tsx.ts';
import { ORDER_IMAGE, streamRecord } from './helpers/stream-records.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

type CliResult = { code: number | null; stdout: string; stderr: string };

const dirs: Array<{ remove(): void }> = [];
afterAll(() => {
  for (const dir of dirs) dir.remove();
});

function tempDir(prefix: string): string {
  const dir = makeTempDir(prefix);
  dirs.push(dir);
  return dir.path;
}

/** A data dir as a stopped `up` run leaves it: a lake of one Parquet object and the run's report. */
async function dataDirWithLake(): Promise<string> {
  const dataDir = tempDir('cli-errors');
  await writeLakeOf(join(dataDir, 'lake'), [
    streamRecord({ eventName: 'INSERT', newImage: ORDER_IMAGE, sequenceNumber: '1', eventID: 'e1' }),
  ]);
  writeRunStatus(dataDir, {
    pid: process.pid,
    startedAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:05:00.000Z',
    state: 'stopped',
    line: '1 changes · captured 1 (0 behind) · delivered 1 (0 behind, freshness 0.0 s) · failed 0 · 1 files',
  });
  return dataDir;
}

/** Runs the CLI with extra environment variables. */
function runCliWithEnv(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
  });
  const out = collectOutput(child);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, ...out.text() })));
}

/** Non-zero exit, exactly one `error:` line on stderr matching every pattern, and no stack trace. */
function expectOneErrorLine(result: CliResult, ...patterns: RegExp[]): string {
  expect(result.code, result.stderr).not.toBe(0);
  const lines = result.stderr.split('\n').filter((line) => line.startsWith('error:'));
  expect(lines, result.stderr).toHaveLength(1);
  for (const pattern of patterns) expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  return lines[0] ?? '';
}

const literally = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

describe('gadget-cdc ends a failure with one line saying what, where and what to do', () => {
  it('names a damaged lake object in query and status, how to move it aside, and that replay rebuilds it', async () => {
    const dataDir = await dataDirWithLake();
    const damaged = join(dataDir, 'lake', 'orders_cdc', 'dt=2025-11-22', 'truncated.parquet');
    writeFileSync(damaged, 'PAR1 not really');
    const [query, status, verbose] = await Promise.all([
      runCli(['query', 'preview', '--data-dir', dataDir]),
      runCli(['status', '--data-dir', dataDir]),
      runCli(['query', 'preview', '--data-dir', dataDir, '--verbose']),
    ]);
    for (const result of [query, status])
      expectOneErrorLine(
        result,
        literally(`lake object ${damaged} cannot be read`),
        /`mkdir -p .* && mv /,
        /replay/,
      );
    expect(verbose.stderr).toMatch(/^error: The lake object /m);
    expect(verbose.stderr).toMatch(/^\s+at /m);
  });

  it('names a damaged up-status.json, says it is safe to delete, and still shows the rest of the status', async () => {
    const dataDir = await dataDirWithLake();
    writeFileSync(join(dataDir, 'up-status.json'), '{"pid": 12, "sta');
    const result = await runCli(['status', '--data-dir', dataDir]);
    expectOneErrorLine(result, literally(join(dataDir, 'up-status.json')), /safe to delete/);
    expect(result.stdout).toMatch(/lake .*: 1 objects/);
    expect(result.stdout).toContain('local stack: stopped');
  });

  it('says where SQL fails to parse, and offers the closest named query for a misspelt name', async () => {
    const dataDir = await dataDirWithLake();
    const [syntax, misspelt, unknown] = await Promise.all([
      runCli(['query', 'SELECT count(*)\nFORM orders_cdc', '--data-dir', dataDir]),
      runCli(['query', 'revenue_by_prodct', '--data-dir', dataDir]),
      runCli(['query', 'nosuchquery', '--data-dir', dataDir]),
    ]);
    expectOneErrorLine(syntax, /Parser Error: syntax error at or near "orders_cdc"/, /line 2, column 6/);
    expectOneErrorLine(misspelt, /no named query "revenue_by_prodct": did you mean revenue_by_product\?/);
    expectOneErrorLine(unknown, /no named query "nosuchquery".*cancellations, cdc_event_mix, current_orders/);
  });

  it('refuses a --data-dir that is a file or lies under one, naming it', async () => {
    const file = join(tempDir('cli-errors-file'), 'not-a-folder');
    writeFileSync(file, 'x');
    const results = await Promise.all([
      ...['query preview', 'status', 'dashboard', 'compact', 'backfill'].map((command) =>
        runCli([...command.split(' '), '--data-dir', file]),
      ),
      runCli(['status', '--data-dir', join(file, 'below')]),
    ]);
    for (const result of results) expectOneErrorLine(result, literally(file));
    expect(results.at(-1)?.stderr).toContain(`lies under the file ${file}`);
  });

  it('says which absolute folder holds no pipeline, instead of answering nothing', async () => {
    const missing = join(tempDir('cli-errors-missing'), 'no-such-data-dir');
    const results = await Promise.all(
      ['query preview', 'status', 'dashboard', 'compact'].map((command) =>
        runCli([...command.split(' '), '--data-dir', missing]),
      ),
    );
    for (const result of results) expectOneErrorLine(result, literally(missing));
  });

  it('answers (no rows) over a data dir whose lake is still empty', async () => {
    const dataDir = tempDir('cli-errors-empty');
    mkdirSync(join(dataDir, 'lake'));
    const result = await runCli(['query', 'preview', '--data-dir', dataDir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('(no rows)');
  });

  it('without a running stack, offers only the ways each command takes', async () => {
    const dataDir = tempDir('cli-errors-no-stack');
    mkdirSync(join(dataDir, 'lake'));
    const [backfill, generate] = await Promise.all([
      runCli(['backfill', '--data-dir', dataDir]),
      runCli(['generate', '--count', '1', '--data-dir', dataDir]),
    ]);
    const noStack = literally(`No local stack is running from data dir ${dataDir}`);
    expect(expectOneErrorLine(backfill, noStack, /`npm start`\)\.$/)).not.toMatch(/--endpoint|--target/);
    expectOneErrorLine(generate, noStack, /, or pass --endpoint <url>, or use --target aws\.$/);
  });

  it('checks --endpoint when parsing it, and names an endpoint where nothing listens', async () => {
    const port = await findFreePort();
    const [invalid, unreachable] = await Promise.all([
      runCli(['generate', '--endpoint', 'not-a-url', '--count', '1']),
      runCli(['generate', '--endpoint', `http://127.0.0.1:${port}`, '--count', '1']),
    ]);
    expectOneErrorLine(invalid, /"not-a-url"/, /http:\/\/127\.0\.0\.1:8000/);
    expectOneErrorLine(
      unreachable,
      literally(`Cannot reach DynamoDB at http://127.0.0.1:${port}`),
      /ECONNREFUSED/,
      /gadget-cdc local/,
    );
  });

  it('names an unexpected error as such in one line; --verbose or GADGET_CDC_VERBOSE=1 adds the trace', async () => {
    const dataDir = await dataDirWithLake();
    const [plain, flag, env] = await Promise.all([
      runCli(['query', "SELECT * FROM read_csv('/no/such/file.csv')", '--data-dir', dataDir]),
      runCli(['--verbose', 'query', 'SELEC 1', '--data-dir', dataDir]),
      runCliWithEnv(['query', 'SELEC 1', '--data-dir', dataDir], { GADGET_CDC_VERBOSE: '1' }),
    ]);
    expectOneErrorLine(
      plain,
      /^error: unexpected Error: .*\/no\/such\/file\.csv.*\(run with --verbose for the trace\)$/,
    );
    for (const verbose of [flag, env]) {
      expect(verbose.code).toBe(1);
      expect(verbose.stderr.split('\n').filter((line) => line.startsWith('error:'))).toHaveLength(1);
      expect(verbose.stderr).toMatch(/^\s+at /m);
    }
  });

  it('documents --verbose and GADGET_CDC_VERBOSE in --help', async () => {
    const { stdout } = await runCli(['--help']);
    expect(stdout).toMatch(
      /--verbose +on an error, show its stack trace too \(or set\s+GADGET_CDC_VERBOSE=1\)/,
    );
  });
});
