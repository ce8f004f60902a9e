import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { runStatusFile } from './data-dir.ts';
import { DamagedStateFileError } from './local-stack-errors.ts';
import { isAlive } from './stack-lock.ts';

/** What `gadget-cdc up` publishes in `<data-dir>/up-status.json` for `gadget-cdc status`, while and after it runs. */
export interface RunStatus {
  readonly pid: number;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly state: 'running' | 'draining' | 'stopped';
  /** The live line as `up` shows it: generated, captured, delivered, failed, behind, freshness, files. */
  readonly line: string;
  /** Once stopped: freshness and the invariant's verdict. */
  readonly summary?: readonly string[];
}

/** Where `up` publishes its status in a data dir. */
export { runStatusFile };

/** Replaces the status file whole (a temp file renamed over it), so a reader never sees half of one. */
export function writeRunStatus(dataDir: string, status: RunStatus): void {
  const path = runStatusFile(dataDir);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(status, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** The last `up` run's status over this data dir, if there was one; a DamagedStateFileError if it is damaged. */
export function readRunStatus(dataDir: string): RunStatus | undefined {
  const path = runStatusFile(dataDir);
  if (!existsSync(path)) return undefined;
  let status: unknown;
  try {
    status = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw damaged(path, error instanceof SyntaxError ? `not JSON: ${error.message}` : String(error));
  }
  if (!isRunStatus(status)) throw damaged(path, 'JSON, but not a run report');
  return status;
}

/** The file is only a report: deleting it loses nothing else. */
function damaged(path: string, problem: string): DamagedStateFileError {
  return new DamagedStateFileError(
    path,
    problem,
    `It is only the last \`up\` run's report, safe to delete (\`rm ${path}\`); the next \`up\` writes it again.`,
  );
}

function isRunStatus(value: unknown): value is RunStatus {
  const status = value as Partial<RunStatus> | null;
  return (
    typeof status === 'object' &&
    status !== null &&
    ['running', 'draining', 'stopped'].includes(String(status.state)) &&
    typeof status.line === 'string' &&
    typeof status.pid === 'number'
  );
}

/** How the run stands, in words: running (and how fresh the numbers are), stopped cleanly, or killed. */
export function describeRunState(status: RunStatus, now = Date.now()): string {
  if (status.state === 'stopped') return `stopped cleanly (${status.updatedAt})`;
  if (isAlive(status.pid)) {
    return `${status.state} (pid ${status.pid}, updated ${((now - Date.parse(status.updatedAt)) / 1000).toFixed(0)} s ago)`;
  }
  return `ended without a clean stop (pid ${status.pid} is gone; last update ${status.updatedAt}): run up again to resume`;
}
