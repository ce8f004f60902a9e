import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const tsxLoader = createRequire(import.meta.url).resolve('tsx');

/** Runs a TypeScript file (or the CLI) in a child Node process, the way users run it. */
export function spawnTsx(file: string, args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ['--import', tsxLoader, file, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
}

export const CLI = fileURLToPath(new URL('../../bin/gadget-cdc.js', import.meta.url));

/** Runs the CLI to completion and returns what it printed. */
export function runCli(
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const out = collectOutput(child);
  // 'close', not 'exit': a process can exit before its last output is read from the pipes (seen under load).
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, ...out.text() })));
}

/** Accumulates a child's stdout and stderr. */
export function collectOutput(child: ChildProcess) {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return { text: () => ({ stdout, stderr }) };
}
