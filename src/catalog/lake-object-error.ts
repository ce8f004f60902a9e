import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PipelineError } from '../errors/pipeline-error.ts';
import { TABLE_NAME } from './lake-layout.ts';

/**
 * An object of the lake that cannot be read (truncated, empty, or not the format its name says), so no query
 * over the lake runs. The message names the object and how to move it aside; its rows come back by replay.
 */
export class LakeObjectError extends PipelineError {
  constructor(
    readonly path: string,
    readonly reason: string,
    lakeDir: string,
    options?: { cause?: unknown },
  ) {
    const aside = join(dirname(lakeDir), 'damaged-objects');
    super(
      'catalog',
      'LAKE_OBJECT_UNREADABLE',
      `The lake object ${path} cannot be read (${reason}), so no query over the lake can run. Move it out of ` +
        `the lake, e.g. \`mkdir -p ${shellWord(aside)} && mv ${shellWord(path)} ${shellWord(aside)}/\`, then ` +
        'run again; its rows can be rebuilt with `gadget-cdc replay`.',
      options,
    );
  }
}

const OBJECT_EXTENSION = /\.(parquet|json|json\.gz)$/;

/**
 * The lake object a DuckDB error message names, if it names one that exists (DuckDB quotes paths with ' or ",
 * or not at all), with the message reworded around it; undefined when the message names no such object.
 */
export function unreadableObjectIn(
  message: string,
  lakeDir: string,
): { path: string; reason: string } | undefined {
  const root = `${join(lakeDir, TABLE_NAME)}/`;
  for (let at = message.indexOf(root); at !== -1; at = message.indexOf(root, at + 1)) {
    const quoted = /^[^'"\n*]+/.exec(message.slice(at))?.[0] ?? '';
    for (const candidate of [quoted, quoted.split(/\s/)[0] ?? '']) {
      const path = candidate.replace(/[\s,.:;)\]]+$/, '');
      if (OBJECT_EXTENSION.test(path) && existsSync(path)) return { path, reason: reworded(message, path) };
    }
  }
  return undefined;
}

/** DuckDB's first paragraph with the path taken out (the line above names it), e.g. "File too small…". */
function reworded(message: string, path: string): string {
  const first = message.split(/\n\s*\n/)[0] ?? message;
  return first
    .split(path)
    .join('')
    .replace(/\s*(''|"")/g, '')
    .replace(/\s+/g, ' ')
    .replace(/[\s,:;]+$/, '')
    .trim();
}

/** A path as one shell word: as it is when it has nothing the shell reads, else single-quoted. */
function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
}
