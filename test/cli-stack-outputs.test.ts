import { afterAll, describe, expect, it } from 'vitest';
import { runCliWithoutAws } from './helpers/cli-without-aws.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

/**
 * `generate` and `query` with `--target aws` find the deployed resources through the stack outputs. Without
 * AWS configuration no request leaves the machine: the credential chain fails first (instance metadata off).
 * The lookup itself is covered against a scripted CloudFormation client in src/aws/stack-outputs.test.ts.
 */
const home = makeTempDir('cli-stack-outputs-home');
afterAll(() => home.remove());

function cliWithoutAws(args: readonly string[]) {
  return runCliWithoutAws(home.path, [...args]);
}

describe('--target aws and the stack outputs', () => {
  it.each([
    ['generate'],
    ['query'],
  ])('%s documents --stack (default GadgetSalesCdc) and --profile', async (command) => {
    const { code, stdout } = await cliWithoutAws([command, '--help']);
    expect(code).toBe(0);
    const help = stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(
      /--stack <name> CloudFormation stack whose outputs name .* \(default: "GadgetSalesCdc"\)/,
    );
    expect(help).toContain('--profile <name>');
    expect(help).toContain('deployed stack outputs');
  });

  it('generate reads the table from the stack when --table is not given, and says how to do without it', async () => {
    const { code, stderr } = await cliWithoutAws([
      'generate',
      '--target',
      'aws',
      '--region',
      'eu-west-1',
      '--stack',
      'MyCdc',
      '--count',
      '1',
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain('error: Could not read the outputs of stack "MyCdc" in region eu-west-1 (');
    expect(stderr).toContain('cloudformation:DescribeStacks, or give --table explicitly.');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
