import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CLI, collectOutput } from './spawn-tsx.ts';

/**
 * Runs the CLI in an environment with no AWS configuration at all: no AWS_* variables, `home` as an empty
 * home, and the instance metadata service off — so no request can leave the machine and the credential
 * chain fails at once.
 */
export function runCliWithoutAws(
  home: string,
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')),
  );
  Object.assign(env, {
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const out = collectOutput(child);
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, ...out.text() })));
}
