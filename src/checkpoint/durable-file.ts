import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Replaces `path` with `content` so that a crash at any point leaves either the old file or the new one, whole:
 * write a temp file beside it, fsync it, rename it over the target, fsync the directory (so the rename itself
 * survives a power cut).
 */
export async function writeFileDurably(path: string, content: string | Uint8Array): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  const file = await open(temp, 'w');
  try {
    await file.writeFile(content);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
  const directory = await open(dirname(path), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
