import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { ObjectWriter } from '../../src/delivery/delivery-worker.ts';

/** A folder written like the lake, whole files only (temp name, then rename): enough for delivery tests. */
export function folderStore(root: string): ObjectWriter & { files(): Promise<string[]> } {
  return {
    async put(key, body) {
      const path = join(root, key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(`${path}.tmp`, body);
      await rename(`${path}.tmp`, path);
    },
    async files() {
      const all = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
      return all
        .filter((entry) => entry.isFile() && !entry.name.endsWith('.tmp'))
        .map((entry) => relative(root, join(entry.parentPath, entry.name)))
        .sort();
    },
  };
}
