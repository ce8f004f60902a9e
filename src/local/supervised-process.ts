import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Local servers run in child processes that must never outlive us — not after Ctrl-C, not after an error,
 * not after the parent is SIGKILLed (a JVM otherwise keeps running and holds its port). The contract:
 * - the parent starts a Node child with an IPC channel, in its own process group (so a terminal's Ctrl-C
 *   reaches only the parent, which then drains and stops children in order);
 * - the child calls `stopWhenParentGone` and shuts its server down when the parent says `stop`, or when the
 *   IPC channel closes — which the kernel does when the parent dies, however it dies;
 * - if a child ignores `stop`, `SupervisedProcess.stop` kills its whole process group.
 */
export interface SupervisedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves when the child has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first message `accept` returns a value for; rejects if the child exits or time runs out. */
  waitForMessage<T>(accept: (message: unknown) => T | undefined, timeoutMs: number): Promise<T>;
  /** The child's own recent stdout/stderr, for error messages. */
  recentOutput(): string;
  /** Asks the child to stop, waits up to `graceMs`, then kills its process group. */
  stop(graceMs?: number): Promise<void>;
}

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const OUTPUT_TAIL_CHARS = 4_000;

export function startSupervisedProcess(
  name: string,
  entry: URL,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): SupervisedProcess {
  const child = spawn(process.execPath, ['--import', tsxLoader, fileURLToPath(entry), ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env,
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  // A spawn failure (e.g. EMFILE) surfaces as an immediate exit rather than an unhandled 'error' event.
  child.once('error', (error) => keep(Buffer.from(String(error))));
  if (child.pid === undefined) throw new Error(`could not start the ${name} process`);

  return {
    name,
    pid: child.pid,
    exited,
    recentOutput: () => output,
    waitForMessage: (accept, timeoutMs) => waitForMessage(child, exited, name, accept, timeoutMs),
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send({ type: 'stop' });
      const timer = new Promise<'timeout'>((resolve) => setTimeout(resolve, graceMs, 'timeout').unref());
      if ((await Promise.race([exited, timer])) === 'timeout') {
        killGroup(child.pid);
        await exited;
      }
    },
  };
}

function waitForMessage<T>(
  child: ChildProcess,
  exited: Promise<unknown>,
  name: string,
  accept: (message: unknown) => T | undefined,
  timeoutMs: number,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`${name} sent no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message: unknown) => {
      const value = accept(message);
      if (value !== undefined) finish(undefined, value);
    };
    child.on('message', onMessage);
    void exited.then(() => finish(new Error(`${name} exited before it was ready`)));
    function finish(error?: Error, value?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      if (error) reject(error);
      else resolve(value as T);
    }
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * Child side of the contract: runs `shutdown` once, when the parent sends `stop`, when the parent disappears
 * (IPC closed), or on SIGTERM/SIGINT; then exits.
 */
export function stopWhenParentGone(shutdown: () => Promise<void>): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('disconnect', stop);
  process.on('message', (message) => {
    if (isMessage(message, 'stop')) stop();
  });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (!process.connected) stop();
}

/** Sends a message to the parent if it is still there. */
export function tellParent(message: { type: string; [key: string]: unknown }): void {
  if (process.connected) process.send?.(message);
}

export function isMessage<T extends string>(
  message: unknown,
  type: T,
): message is { type: T; [key: string]: unknown } {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}
