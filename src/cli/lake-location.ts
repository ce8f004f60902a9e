import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidOptionError } from '../errors/pipeline-error.ts';
import { lakeFolder } from '../local/data-dir.ts';
import { resolveExistingDataDir } from '../local/data-dir-preflight.ts';

/**
 * The lake folder a command reads, checked so that a wrong folder is an error rather than an empty answer:
 * `--lake-dir` when given (it must be a folder), else `<data-dir>/lake` of a data dir that holds a pipeline.
 * Also the data dir, absolute (checked only when the lake is the data dir's).
 */
export async function existingLake(options: {
  readonly dataDir: string;
  readonly lakeDir?: string;
}): Promise<{ lakeDir: string; dataDir: string }> {
  if (options.lakeDir === undefined) {
    const dataDir = await resolveExistingDataDir(options.dataDir);
    return { lakeDir: lakeFolder(dataDir), dataDir };
  }
  const lakeDir = resolve(options.lakeDir);
  if (!isFolder(lakeDir)) {
    throw new InvalidOptionError(
      'cli',
      `--lake-dir ${lakeDir} is not a folder. Give the lake folder of a data dir (<data-dir>/lake), or leave ` +
        'out --lake-dir to read the lake of --data-dir.',
    );
  }
  return { lakeDir, dataDir: resolve(options.dataDir) };
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
