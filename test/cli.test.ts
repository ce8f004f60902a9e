import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PIPE_DEFAULTS } from '../src/pipe/pipe-config.ts';
import { writeLakeOf } from './helpers/lake-of-events.ts';
import { CLI, runCli } from './helpers/spawn-tsx.ts';
import { ORDER_IMAGE, streamRecord } from './helpers/stream-records.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

const COMMANDS = [
  'up',
  'local',
  'generate',
  'pipe',
  'deliver',
  'compact',
  'query',
  'history',
  'backfill',
  'status',
  'dashboard',
];

describe('gadget-cdc CLI', () => {
  it('lists every command with a one-line explanation', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of COMMANDS)
      expect(stdout).toMatch(new RegExp(`\\n  ${command} \\[options\\](?: [[<][\\w-]+[\\]>])? +\\w+`));
  });

  it.each(COMMANDS)('`%s --help` describes the command and its options', async (command) => {
    const { code, stdout } = await runCli([command, '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: gadget-cdc ${command} [options]`);
    expect(stdout).toContain('--data-dir <dir>');
  });

  it("`pipe --help` shows the batch size default the pipe's config gives", async () => {
    const { code, stdout } = await runCli(['pipe', '--help']);
    expect(code).toBe(0);
    // The option's help as one line, however commander wraps it: from its flag to the next option's.
    const help = /--batch-size <n>(.*?) --[a-z]/.exec(stdout.replace(/\s+/g, ' '))?.[1];
    expect(help).toContain(`(default: ${PIPE_DEFAULTS.batchSize})`);
  });

  it.each([
    [['generate', '--rate', '-5'], /--rate .*got "-5"/],
    [['generate', '--count', '0'], /--count is a whole number from 1 to 9007199254740991, got "0"/],
    [['generate', '--mix', 'insert=50,update=10'], /adds up to 60, not 100/],
    [['generate', '--write-mode', 'fast'], /Allowed choices are auto, single, batch/],
    [['up', '--dynamodb-port', '70000'], /port is a whole number from 1 to 65535, got "70000"/],
    [
      ['pipe', '--batch-size', '20000'],
      /--batch-size is a whole number from 1 to 10000 \(as for a Pipe\), got "20000"/,
    ],
    [['pipe', '--batching-window', '301'], /--batching-window is whole seconds from 0 to 300, got "301"/],
    [
      ['pipe', '--partition-key', 'orderid'],
      /"orderid" is not a dotted JSON path like \$\.dynamodb\.Keys\.orderid\.S/,
    ],
    [['pipe', '--starting-position', 'EARLIEST'], /Allowed choices are TRIM_HORIZON, LATEST/],
    [
      ['deliver', '--buffer-size', '200'],
      /--buffer-size is whole MiB from 1 to 128 \(as for Firehose\), got "200"/,
    ],
    [['deliver', '--buffer-interval', '-1'], /--buffer-interval is whole seconds from 0 to 900, got "-1"/],
    [['deliver', '--compression', 'ZSTD'], /Allowed choices are UNCOMPRESSED, GZIP/],
    [['deliver', '--format', 'CSV'], /Allowed choices are PARQUET, JSON/],
    [
      ['deliver', '--lake-s3', 'my-lake/x'],
      /--lake-s3 is s3:\/\/<bucket>\/<prefix> \(it does not start with s3:\/\/\), got "my-lake\/x"/,
    ],
    [['deliver', '--lake-s3', 's3://My_Lake/x'], /"My_Lake" is not a bucket name \(3-63 of a-z 0-9 \. -/],
    [['deliver', '--s3-endpoint', 'localhost:9000'], /--s3-endpoint is an http\(s\) URL with a host/],
    [
      ['deliver', '--lake-s3', 's3://my-lake', '--lake-dir', 'lake'],
      /option '--lake-s3 <s3:\/\/bucket\/prefix>' cannot be used with option '--lake-dir <dir>'/,
    ],
    [
      ['deliver', '--s3-endpoint', 'http://127.0.0.1:9000'],
      /--s3-endpoint says where the --lake-s3 bucket is/,
    ],
    [['deliver', '--region', 'eu-west-1'], /--region says where the --lake-s3 bucket is/],
  ])('refuses %j with the value and the expected form', async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(message);
  });

  it('queries the lake: a named query as JSON lines, any SQL as CSV, the list of named queries', async () => {
    const lake = makeTempDir('cli-lake');
    try {
      await writeLakeOf(lake.path, [
        streamRecord({
          eventName: 'INSERT',
          newImage: { ...ORDER_IMAGE, orderid: { S: 'A' } },
          sequenceNumber: '11',
        }),
        streamRecord({
          eventName: 'INSERT',
          newImage: { ...ORDER_IMAGE, orderid: { S: 'B' } },
          sequenceNumber: '12',
          approximateCreationDateTime: 1_763_800_600, // ten minutes after A
        }),
      ]);
      const named = await runCli([
        'query',
        'revenue_by_product',
        '--lake-dir',
        lake.path,
        '--format',
        'json',
      ]);
      expect(named.code, named.stderr).toBe(0);
      expect(
        named.stdout
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line)),
      ).toEqual([{ product_name: 'Laptop', orders: 2, units: 4, revenue: '5199.60' }]);
      const sql = await runCli([
        'query',
        'SELECT orderid, quantity FROM current_orders ORDER BY orderid',
        '--lake-dir',
        lake.path,
        '--format',
        'csv',
      ]);
      expect(sql.stdout.trim()).toBe('orderid,quantity\nA,2\nB,2');
      const asOf = (time: string) =>
        runCli(['query', 'current_orders', '--lake-dir', lake.path, '--format', 'csv', '--as-of', time]);
      const before = await asOf(new Date(1_763_800_300_000).toISOString());
      expect(
        before.stdout
          .trim()
          .split('\n')
          .map((line) => line.split(',')[0]),
      ).toEqual(['orderid', 'A']);
      const noSuchDay = await asOf('2026-02-30T10:00:00Z');
      expect(noSuchDay.code).not.toBe(0);
      expect(noSuchDay.stderr).toMatch(
        /--as-of is an ISO-8601 time with a zone, .*got "2026-02-30T10:00:00Z"/,
      );
      const badTime = await asOf('2026-12-01 10:00');
      expect(badTime.code).not.toBe(0);
      expect(badTime.stderr).toMatch(/--as-of is an ISO-8601 time with a zone, .*got "2026-12-01 10:00"/);
      // --limit: the first rows, in the same order in every format, the cut said once; --output: to a file.
      const ordered = 'SELECT orderid FROM current_orders ORDER BY orderid';
      const limited = await Promise.all(
        (['table', 'json', 'csv'] as const).map((format) =>
          runCli(['query', ordered, '--lake-dir', lake.path, '--format', format, '--limit', '1']),
        ),
      );
      expect(limited.map((result) => result.stdout)).toEqual([
        'orderid\n-------\nA\n(1 of 2 rows)\n',
        '{"orderid":"A"}\n',
        'orderid\nA\n',
      ]);
      expect(limited.map((result) => result.stderr)).toEqual([
        '',
        '1 of 2 rows (--limit 1).\n',
        '1 of 2 rows (--limit 1).\n',
      ]);
      const file = join(lake.path, 'orders.csv');
      const written = await runCli([
        'query',
        ordered,
        '--lake-dir',
        lake.path,
        '--format',
        'csv',
        '--output',
        file,
      ]);
      expect(written.stdout).toBe(`2 rows written to ${file}.\n`);
      expect(readFileSync(file, 'utf8')).toBe('orderid\nA\nB\n');
      const nowhere = join(lake.path, 'no-such-folder', 'orders.csv');
      const unwritable = await runCli(['query', ordered, '--lake-dir', lake.path, '--output', nowhere]);
      expect(unwritable.code).toBe(1);
      expect(unwritable.stderr).toBe(
        `error: Cannot write --output ${nowhere} (ENOENT). Pass a file in a folder that exists and that you may write to.\n`,
      );
      const history = await runCli(['history', 'A', '--lake-dir', lake.path]);
      expect(history.code, history.stderr).toBe(0);
      expect(history.stdout).toMatch(/^Order A: 1 change in stream order\n/);
      expect(history.stdout).toMatch(
        /\nNow: PAID, 2 × Laptop at 1299\.90 \(customer CUST-00042, last change at /,
      );
      const unknown = await runCli(['history', 'NOPE', '--lake-dir', lake.path]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/^error: No change of order "NOPE" is in the lake /);
      const table = await runCli(['query', 'cdc_event_mix', '--lake-dir', lake.path]);
      expect(table.stdout).toMatch(/cdc_event_type\s+events\n-+\s+-+\nINSERT\s+2\n\(1 row\)/);
      expect((await runCli(['query'])).stdout).toMatch(/^current_orders +each order as it stands now/m);
    } finally {
      lake.remove();
    }
  });

  it('ends quietly when the reader of its output goes away (`query | head -1`)', async () => {
    const child = spawn(process.execPath, [CLI, 'query'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.stdout.once('data', () => child.stdout.destroy()); // the reader leaves after the first line
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('reports on a data dir: none there yet (an error), then the stack, checkpoints and the lake', async () => {
    const data = makeTempDir('cli-status');
    try {
      const none = await runCli(['status', '--data-dir', `${data.path}/none`]);
      expect(none.code).not.toBe(0);
      expect(none.stderr).toContain(`error: ${data.path}/none does not exist, so it holds no pipeline`);
      await writeLakeOf(`${data.path}/lake`, [
        streamRecord({
          eventName: 'INSERT',
          newImage: { ...ORDER_IMAGE, orderid: { S: 'A' } },
          sequenceNumber: '11',
        }),
        streamRecord({
          eventName: 'REMOVE',
          oldImage: { ...ORDER_IMAGE, orderid: { S: 'A' } },
          sequenceNumber: '12',
        }),
      ]);
      const { code, stdout } = await runCli(['status', '--data-dir', data.path]);
      expect(code).toBe(0);
      expect(stdout).toContain('local stack: stopped');
      expect(stdout).toContain('up: no run recorded in this data dir');
      expect(stdout).toContain('pipe: no checkpoints yet');
      expect(stdout).toMatch(
        /lake .*: 1 objects, [\d.]+ MiB; 2 change events \(1 INSERT, 0 MODIFY, 1 REMOVE\), 0 duplicate deliveries; 0 orders in current_orders; newest change written [\d.]+ s ago/,
      );
    } finally {
      data.remove();
    }
  });
});
