import { afterAll, describe, expect, it } from 'vitest';
import { runCliWithoutAws } from './helpers/cli-without-aws.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

/**
 * `gadget-cdc query --target aws` without AWS: the option wiring and the errors a user without a region or
 * credentials sees. No request leaves the machine: the checks run before any query, and the credential chain
 * is cut off from the instance metadata service.
 */
const home = makeTempDir('query-target-home');
afterAll(() => home.remove());

function queryWithoutAws(args: readonly string[]) {
  return runCliWithoutAws(home.path, ['query', ...args]);
}

describe('gadget-cdc query --target', () => {
  it('documents the Athena options and their defaults', async () => {
    const { code, stdout: wrapped } = await queryWithoutAws(['--help']);
    expect(code).toBe(0);
    const stdout = wrapped.replace(/\s+/g, ' ');
    expect(stdout).toMatch(/--target <target> .*\(choices: "local", "aws", default: "local"\)/);
    expect(stdout).toMatch(/--workgroup <name> .*\(default: the one in the deployed stack outputs\)/);
    expect(stdout).toMatch(/--database <name> .*\(default: the one in the deployed stack outputs\)/);
    expect(stdout).toMatch(/--stack <name> .*\(default: "GadgetSalesCdc"\)/);
    expect(stdout).toMatch(
      /--current-state-table <name> .*\(default: the stack output CurrentStateTableName/,
    );
    for (const option of ['--output-location <s3-uri>', '--region <region>', '--profile <name>'])
      expect(stdout).toContain(option);
  });

  it('names the missing region and how to give one, without a stack trace', async () => {
    const { code, stderr } = await queryWithoutAws(['--target', 'aws', 'revenue_by_product']);
    expect(code).toBe(1);
    expect(stderr).toContain('error: No AWS region for Athena. Pass --region <region>');
    expect(stderr).toContain('set AWS_REGION');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('names the missing credentials (and the profile asked for) and how to provide them', async () => {
    const plain = await queryWithoutAws(['--target', 'aws', '--region', 'eu-west-1', 'SELECT 1']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(
      /error: No AWS credentials for Athena \(.+\)\. Pass --profile <name> or set AWS_PROFILE/,
    );
    expect(plain.stderr).not.toMatch(/\n\s+at /);

    const profiled = await queryWithoutAws([
      '--target',
      'aws',
      '--region',
      'eu-west-1',
      '--profile',
      'ghost',
      'SELECT 1',
    ]);
    expect(profiled.code).toBe(1);
    expect(profiled.stderr).toContain('No AWS credentials for Athena from profile "ghost"');
  });

  it.each([
    [['--target', 'cloud', 'SELECT 1'], /Allowed choices are local, aws/],
    [
      ['--target', 'aws', '--output-location', 'my-bucket/results', 'SELECT 1'],
      /--output-location is an S3 URI like s3:\/\/my-bucket\/athena-results\/, got "my-bucket\/results"/,
    ],
    [
      ['--target', 'aws', '--current-state-table', 'state; DROP', 'SELECT 1'],
      /--current-state-table is a Glue table name \(letters, digits and _\), got "state; DROP"/,
    ],
  ])('refuses %j with the value and the expected form', async (args, message) => {
    const { code, stderr } = await queryWithoutAws(args);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(message);
  });
});
