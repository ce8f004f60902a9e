import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/spawn-tsx.ts';

const COMMANDS = ['up', 'local', 'generate', 'pipe', 'deliver', 'compact'];

describe('gadget-cdc CLI', () => {
  it('lists every command with a one-line explanation', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of COMMANDS) expect(stdout).toMatch(new RegExp(`\\n  ${command} \\[options\\] +\\w+`));
  });

  it.each(COMMANDS)('`%s --help` describes the command and its options', async (command) => {
    const { code, stdout } = await runCli([command, '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: gadget-cdc ${command} [options]`);
    expect(stdout).toContain('--data-dir <dir>');
  });

  it.each([
    [['generate', '--rate', '-5'], /--rate .*got "-5"/],
    [['generate', '--count', '0'], /--count must be a whole number > 0, got "0"/],
    [['generate', '--mix', 'insert=50,update=10'], /adds up to 60, not 100/],
    [['generate', '--write-mode', 'fast'], /Allowed choices are auto, single, batch/],
    [['up', '--dynamodb-port', '70000'], /port is a whole number from 1 to 65535, got "70000"/],
    [['pipe', '--batch-size', '20000'], /--batch-size is at most 10000 \(as for a Pipe\), got 20000/],
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
  ])('refuses %j with the value and the expected form', async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(message);
  });
});
