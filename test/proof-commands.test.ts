import { afterAll, describe, expect, it } from 'vitest';
import { runCliWithoutAws } from './helpers/cli-without-aws.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

/**
 * `gadget-cdc check` and `heartbeat` with --target aws, without AWS: the option wiring and the errors a user
 * without a region or credentials sees (the work itself is tested over scripted clients in src/observe/). No
 * request leaves the machine.
 */
const home = makeTempDir('proof-commands-home');
afterAll(() => home.remove());

describe('gadget-cdc check and heartbeat on AWS', () => {
  it('document their options and defaults', async () => {
    const check = (await runCliWithoutAws(home.path, ['check', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(check).toMatch(/--target <target> .*\(choices: "local", "aws", default: "local"\)/);
    expect(check).toMatch(/--settle <seconds> .*default: 300 with --target aws/);
    expect(check).toMatch(/--segments <n> parallel Scan segments \(default: 4\)/);
    expect(check).toMatch(/--max-read-units <n> .*\(default: 500\)/);
    const heartbeat = (await runCliWithoutAws(home.path, ['heartbeat', '--help'])).stdout.replace(
      /\s+/g,
      ' ',
    );
    expect(heartbeat).toMatch(/--target <target> .*\(choices: "aws"\)/);
    for (const option of ['--markers <n>', '--interval <seconds>', '--poll <seconds>', '--timeout <seconds>'])
      expect(heartbeat).toContain(option);
  });

  it.each([['check'], ['heartbeat']])('%s names the missing region in one line', async (command) => {
    const { code, stderr } = await runCliWithoutAws(home.path, [command, '--target', 'aws']);
    expect(code).toBe(1);
    expect(stderr).toContain('error: No AWS region for Athena. Pass --region <region>');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [['heartbeat'], /required option '--target <target>' not specified/],
    [['heartbeat', '--target', 'local'], /Allowed choices are aws/],
    [['check', '--target', 'aws', '--settle', '-1'], /--settle is whole seconds from 0 to 3600, got "-1"/],
    [['check', '--segments', '0'], /--segments is whole segments from 1 to 1000, got "0"/],
    [['heartbeat', '--target', 'aws', '--poll', '0'], /--poll is whole seconds from 1 to 600, got "0"/],
  ])('refuses %j with the value and the expected form', async (args, message) => {
    const { code, stderr } = await runCliWithoutAws(home.path, args);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(message);
  });
});
