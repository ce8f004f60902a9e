import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, collectOutput } from './helpers/spawn-tsx.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

/**
 * `gadget-cdc query --target aws` without AWS: the option wiring and the errors a user without a region or
 * credentials sees. No request leaves the machine: the checks run before any query, and the credential chain
 * is cut off from the instance metadata service.
 */
const home = makeTempDir('query-target-home');
afterAll(() => home.remove());

/** The CLI in an environment with no AWS configuration at all: no AWS_* variables, an empty home. */
function runCliWithoutAws(args: readonly string[]) {
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')),
  );
  Object.assign(env, {
    HOME: home.path,
    AWS_CONFIG_FILE: join(home.path, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home.path, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const child = spawn(process.execPath, [CLI, 'query', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const out = collectOutput(child);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, ...out.text() })),
  );
}

describe('gadget-cdc query --target', () => {
  it('documents the Athena options and their defaults', async () => {
    const { code, stdout: wrapped } = await runCliWithoutAws(['--help']);
    expect(code).toBe(0);
    const stdout = wrapped.replace(/\s+/g, ' ');
    expect(stdout).toMatch(/--target <target> .*\(choices: "local", "aws", default: "local"\)/);
    expect(stdout).toMatch(/--workgroup <name>.*deployed stack outputs\) \(default: "gadget-sales-cdc"\)/);
    expect(stdout).toMatch(/--database <name> .*\(default: "gadget_sales_cdc"\)/);
    for (const option of ['--output-location <s3-uri>', '--region <region>', '--profile <name>'])
      expect(stdout).toContain(option);
  });

  it('names the missing region and how to give one, without a stack trace', async () => {
    const { code, stderr } = await runCliWithoutAws(['--target', 'aws', 'revenue_by_product']);
    expect(code).toBe(1);
    expect(stderr).toContain('error: No AWS region for Athena. Pass --region <region>');
    expect(stderr).toContain('set AWS_REGION');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('names the missing credentials (and the profile asked for) and how to provide them', async () => {
    const plain = await runCliWithoutAws(['--target', 'aws', '--region', 'eu-west-1', 'SELECT 1']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(
      /error: No AWS credentials for Athena \(.+\)\. Pass --profile <name> or set AWS_PROFILE/,
    );
    expect(plain.stderr).not.toMatch(/\n\s+at /);

    const profiled = await runCliWithoutAws([
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
  ])('refuses %j with the value and the expected form', async (args, message) => {
    const { code, stderr } = await runCliWithoutAws(args);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(message);
  });
});
