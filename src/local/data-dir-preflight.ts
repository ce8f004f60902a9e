import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { everySourceCheckpoint } from '../checkpoint/shard-checkpoints.ts';
import { PipelineError } from '../errors/pipeline-error.ts';
import { checkpointFolder, DATA_DIR_FOLDERS, PIPELINE_MARKERS, runStatusFile } from './data-dir.ts';
import { DamagedStateFileError, DataDirUnusableError, NoPipelineDataError } from './local-stack-errors.ts';
import { readRunStatus } from './run-status.ts';
import { stackRecordPath, staleStackRecord } from './stack-lock.ts';

/**
 * What the data dir holds, as the modules that write it lay it out: the servers' stores (local-stack.ts), the
 * lake, the stages' checkpoints (`checkpoints/<stage>/<source>/shards/<shardId>.json`), the stack's record (stack-lock.ts) and the last `up` run's status (local/run-status.ts).
 */
const STAGES_WITH_CHECKPOINTS = ['pipe', 'delivery'] as const;

export interface DataDirPreflightOptions {
  /**
   * The command starts the local stack here (`up`, `local`): no live stack may hold the data dir, and its
   * record and the last run's status must read. Otherwise (`pipe`, `deliver`) a running stack is expected.
   */
  readonly startsStack?: boolean;
  /**
   * Checkpoint folders of the stages the command runs, each holding `<name>/shards/*.json`; by default the
   * pipe's and the delivery's in the data dir.
   */
  readonly checkpointDirs?: readonly string[];
  /** Further folders the command writes (`--lake-dir`, `--checkpoint-dir`): created if missing, then tried. */
  readonly folders?: readonly string[];
}

/**
 * Checks a data dir before a command writes anything (to the table, to Kinesis, to the lake), so what cannot
 * work fails at once, in one line naming the folder or file and the fix, instead of after the first orders:
 * - the data dir and `folders` are folders (created when missing, never through a file) that can be written;
 * - every shard checkpoint reads (a damaged one would stop its stage mid-run);
 * - with `startsStack`, `local-stack.json` reads and names no live stack, and `up-status.json` reads.
 * Returns the data dir's absolute path. Synchronous file calls only: Node's recursive mkdir never returns on
 * a path like /proc/x (mkdir says ENOENT while the parent exists, and it retries forever).
 */
export async function preflightDataDir(
  dataDir: string,
  options: DataDirPreflightOptions = {},
): Promise<string> {
  const root = resolve(dataDir);
  ensureWritableFolder(root);
  for (const name of DATA_DIR_FOLDERS) {
    const folder = join(root, name);
    if (existsSync(folder) && !statSync(folder).isDirectory()) {
      throw new DataDirUnusableError(
        folder,
        'it is a file, where the data dir keeps a folder',
        'Move that file away, or pass another --data-dir.',
      );
    }
  }
  for (const folder of options.folders ?? []) ensureWritableFolder(resolve(folder));
  const checkpointDirs =
    options.checkpointDirs ?? STAGES_WITH_CHECKPOINTS.map((stage) => checkpointFolder(root, stage));
  for (const directory of checkpointDirs) await everySourceCheckpoint(resolve(directory));
  if (options.startsStack) {
    await staleStackRecord(root); // throws if damaged, or while a live stack holds the data dir
    readRunStatusOrExplain(root);
  }
  return root;
}

/**
 * For commands that only read a data dir (`query`, `status`, `dashboard`, `compact`): its absolute path when it
 * holds a pipeline's state (any of lake/, checkpoints/, dynamodb/, local-stack.json, up-status.json); else a
 * NoPipelineDataError naming the absolute folder looked at, what is wrong with it and the fix.
 */
export function resolveExistingDataDir(dataDir: string): string {
  const root = resolve(dataDir);
  const found = nearestExisting(root);
  if (found.path === root && !found.isDirectory)
    throw new NoPipelineDataError(root, 'is a file, not a data dir');
  if (!found.isDirectory) {
    throw new NoPipelineDataError(root, `cannot be a data dir: it lies under the file ${found.path}`);
  }
  if (found.path !== root) throw new NoPipelineDataError(root, 'does not exist, so it holds no pipeline');
  const markers = PIPELINE_MARKERS.map((name) => join(root, name));
  if (!existsSync(stackRecordPath(root)) && !markers.some((path) => existsSync(path))) {
    throw new NoPipelineDataError(
      root,
      'holds no pipeline (none of lake/, checkpoints/, dynamodb/, local-stack.json, up-status.json)',
    );
  }
  return root;
}

/** Creates `folder` if missing, one level at a time (never through a file), and proves it writable. */
function ensureWritableFolder(folder: string): void {
  const fix = 'Pass a folder you can write instead (the default data dir is ./.gadget-cdc).';
  const found = nearestExisting(folder);
  if (!found.isDirectory) {
    const problem = found.path === folder ? 'it is a file' : `it lies under the file ${found.path}`;
    throw new DataDirUnusableError(folder, problem, fix);
  }
  const missing: string[] = [];
  for (let path = folder; path !== found.path; path = dirname(path)) missing.unshift(path);
  try {
    for (const path of missing) mkdirSync(path);
    const probe = join(folder, `.write-check-${process.pid}`);
    closeSync(openSync(probe, 'wx'));
    rmSync(probe, { force: true });
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const verb = missing.length > 0 ? 'created' : 'written';
    throw new DataDirUnusableError(folder, `it cannot be ${verb} (${code ?? message})`, fix);
  }
}

/** The path itself or its nearest ancestor that exists, and whether that is a folder. */
function nearestExisting(path: string): { path: string; isDirectory: boolean } {
  for (let current = path; ; current = dirname(current)) {
    try {
      return { path: current, isDirectory: statSync(current).isDirectory() };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR: a file sits higher up; keep climbing to name it.
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(current) === current) throw error;
    }
  }
}

/** run-status.ts reads the file; whatever it throws is said here as a damaged file with the fix. */
function readRunStatusOrExplain(root: string): void {
  try {
    readRunStatus(root);
  } catch (error) {
    if (error instanceof PipelineError) throw error;
    throw new DamagedStateFileError(
      runStatusFile(root),
      error instanceof Error ? error.message : String(error),
      "It only holds the last `up` run's numbers for `gadget-cdc status`: delete it, and `up` writes a new one.",
    );
  }
}
