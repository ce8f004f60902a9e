import { mkdir, readdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { writeFileDurably } from '../checkpoint/durable-file.ts';
import { InvalidOptionError } from '../errors/pipeline-error.ts';

/**
 * The local lake: a folder laid out exactly like the bucket (key `a/b/c.json` is file `<root>/a/b/c.json`).
 * Objects appear whole or not at all (temp file, fsync, rename), so a reader never sees half a file.
 */
export class LocalFolderStore {
  constructor(readonly root: string) {}

  async put(key: string, body: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFileDurably(path, body);
  }

  /** Every object key under `prefix`, sorted (temp files of writes in progress are not objects). */
  async list(prefix = ''): Promise<string[]> {
    const entries = await readdir(this.root, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries
      .filter((entry) => entry.isFile() && !entry.name.endsWith('.tmp'))
      .map((entry) => relative(this.root, join(entry.parentPath, entry.name)).split(sep).join('/'))
      .filter((key) => key.startsWith(prefix))
      .sort();
  }

  private pathOf(key: string): string {
    if (
      key === '' ||
      key.startsWith('/') ||
      key.split('/').some((part) => part === '' || part === '..' || part === '.')
    ) {
      throw new InvalidOptionError(
        'lake',
        `Object key ${JSON.stringify(key)} must be a relative path without empty, "." or ".." parts.`,
      );
    }
    return join(this.root, ...key.split('/'));
  }
}
