import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rmdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PipelineError } from '../errors/pipeline-error.ts';
import {
  assertValidKeyPrefix,
  assertValidObjectKey,
  type FolderStore,
  ObjectNotFoundError,
  type ObjectSummary,
  sortByObjectKey,
} from './object-store.ts';

/** A put whose key needs a file where a folder is, or a folder where a file is ("a" and "a/b"). */
export class ObjectKeyConflictError extends PipelineError {
  constructor(
    readonly key: string,
    cause: unknown,
  ) {
    super(
      'lake',
      'OBJECT_KEY_CONFLICT',
      `Cannot write object ${JSON.stringify(key)} on local disk: one of its folders is an object, or it is a ` +
        'folder of other objects. S3 allows both "a" and "a/b"; a folder cannot. Choose keys that do not nest.',
      { cause },
    );
  }
}

/** Retries of a put whose folder a concurrent `delete` removed between creating it and writing into it. */
const PUT_ATTEMPTS = 3;
const DELETE_CONCURRENCY = 64;

/**
 * The local lake: a folder laid out exactly like the bucket (key `a/b/c.json` is file `<root>/a/b/c.json`).
 * A put writes `.<name>.<random>.tmp` beside the target, fsyncs it, renames it into place and fsyncs the folder,
 * so readers see the old object or the whole new one, and a crash leaves at most a dot-named temp file, which
 * is never an object (keys cannot start a segment with '.'). The root folder is created on the first put.
 */
export class LocalDiskStore implements FolderStore {
  readonly root: string;
  readonly location: string;

  constructor(rootDir: string) {
    this.root = resolve(rootDir);
    this.location = pathToFileURL(this.root).href;
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const path = this.pathOf(key);
    for (let attempt = 1; ; attempt++) {
      try {
        await mkdir(dirname(path), { recursive: true });
        await replaceFile(path, body);
        return;
      } catch (error) {
        const code = errorCode(error);
        if (code === 'ENOENT' && attempt < PUT_ATTEMPTS) continue;
        if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EISDIR' || code === 'ENOTEMPTY') {
          throw new ObjectKeyConflictError(key, error);
        }
        throw error;
      }
    }
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      const bytes = await readFile(this.pathOf(key));
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      if (isMissing(error)) throw new ObjectNotFoundError(key, this.location);
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async list(prefix: string): Promise<ObjectSummary[]> {
    assertValidKeyPrefix(prefix);
    // Start at the deepest folder the prefix names; a partial last segment ("dt=2026") is matched below.
    const folder = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const found: ObjectSummary[] = [];
    await this.walk(folder, prefix, found);
    return sortByObjectKey(found);
  }

  async delete(keys: readonly string[]): Promise<void> {
    const paths = keys.map((key) => this.pathOf(key));
    for (let at = 0; at < paths.length; at += DELETE_CONCURRENCY) {
      await Promise.all(paths.slice(at, at + DELETE_CONCURRENCY).map(removeFile));
    }
    // Deepest folders first, so a parent is tried only after its emptied children are gone.
    const folders = [...new Set(paths.map((path) => dirname(path)))].sort((a, b) => b.length - a.length);
    for (const folder of folders) await this.removeEmptyFolders(folder);
  }

  private pathOf(key: string): string {
    assertValidObjectKey(key);
    return join(this.root, ...key.split('/'));
  }

  /** Adds every object under `folderKey` ("" or ending in '/') whose key starts with `prefix` to `found`. */
  private async walk(folderKey: string, prefix: string, found: ObjectSummary[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(join(this.root, ...folderKey.split('/')), { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return; // no such folder, or removed by a concurrent delete
      throw error;
    }
    await Promise.all(
      entries.map(async (entry) => {
        if (entry.name.startsWith('.')) return; // temp files of writes in flight or interrupted by a crash
        const key = folderKey + entry.name;
        if (entry.isDirectory()) {
          const childFolder = `${key}/`;
          if (childFolder.startsWith(prefix) || prefix.startsWith(childFolder)) {
            await this.walk(childFolder, prefix, found);
          }
        } else if (entry.isFile() && key.startsWith(prefix)) {
          const size = await fileSize(join(this.root, ...key.split('/')));
          if (size !== undefined) found.push({ key, size });
        }
      }),
    );
  }

  /** Removes `folder` and then its parents while they are empty, stopping at the root. */
  private async removeEmptyFolders(folder: string): Promise<void> {
    const inside = this.root.endsWith(sep) ? this.root : this.root + sep;
    for (
      let current = folder;
      current.startsWith(inside) && current !== this.root;
      current = dirname(current)
    ) {
      try {
        await rmdir(current);
      } catch (error) {
        const code = errorCode(error);
        // Not empty (or a put is writing into it) ends the climb; a folder already gone lets it go on.
        if (code !== 'ENOENT') return;
      }
    }
  }
}

/** Temp file, fsync, rename over `path`, fsync the folder; the temp file is removed if any step fails. */
async function replaceFile(path: string, body: Uint8Array | string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const file = await open(temp, 'wx');
  try {
    try {
      await file.writeFile(body);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  const folder = await open(dirname(path), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    // Missing, under a file, or a folder (which is not an object): nothing to delete.
    if (!isMissing(error) && errorCode(error) !== 'EPERM') throw error;
  }
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if (isMissing(error)) return undefined; // deleted while listing
    throw error;
  }
}

/** The error means "no object here": no such file, a file where a folder was expected, or a folder. */
function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
