import { readFileSync } from 'node:fs';

/**
 * Telling a process from a later one that reuses its id. A pid alone names whatever runs under that number
 * now: after a crash, a reboot or in a container (where our CLI is often pid 1 or 7) a stale record's pid
 * may well be alive again. On Linux a process's start time (clock ticks after boot, field 22 of
 * /proc/<pid>/stat) never changes while it lives and differs for the next process with the same id, so a
 * pid recorded with its start time names one process. Elsewhere there is no /proc: we fall back to "alive".
 */

/** True while `pid` exists (also when it belongs to another user: EPERM). */
export function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process's start time as /proc tells it, or undefined where there is no /proc (or it is gone). */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19]; // field 22 of the whole line
  } catch {
    return undefined;
  }
}

/** The process's command line, words joined by spaces, or undefined where there is no /proc. */
export function processCommandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return undefined;
  }
}

/** What is known of a recorded process now. */
export type ProcessState = 'gone' | 'running' | 'reused' | 'unverified';

/**
 * Whether the process recorded as `pid` (with `startTime`, when the recorder could read it) still runs:
 * `running` (the same process), `gone`, `reused` (that id now names another process) or `unverified` (alive,
 * but nothing to compare: no start time recorded, or no /proc here).
 */
export function recordedProcessState(pid: number, startTime: string | undefined): ProcessState {
  if (!isAlive(pid)) return 'gone';
  const now = processStartTime(pid);
  if (startTime === undefined || now === undefined) return 'unverified';
  return now === startTime ? 'running' : 'reused';
}
