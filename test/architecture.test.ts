import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src/', import.meta.url));

/** Every relative import of every file under src/, as the folder of the importer and the file imported. */
function imports(): Array<{ file: string; target: string }> {
  const found: Array<{ file: string; target: string }> = [];
  for (const name of readdirSync(src, { recursive: true }).map(String)) {
    if (!name.endsWith('.ts')) continue;
    const path = join(src, name);
    for (const [, specifier] of readFileSync(path, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g))
      found.push({ file: name, target: relative(src, resolve(dirname(path), specifier as string)) });
  }
  return found;
}

describe('the folder layout', () => {
  it('keeps the CLI on top: no file outside src/cli imports from it (commands parse, call and print)', () => {
    const intoCli = imports().filter(
      ({ file, target }) => !file.startsWith('cli/') && target.startsWith('cli/'),
    );
    expect(intoCli).toEqual([]);
  });

  it('spells the data dir’s layout in one module (src/local/data-dir.ts)', () => {
    const spelled = readdirSync(src, { recursive: true })
      .map(String)
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && name !== 'local/data-dir.ts')
      .filter((name) =>
        /'checkpoints'|'up-status\.json'|'local-stack\.json'|join\([^)]*'(?:lake|dynamodb|kinesis|logs)'\)/.test(
          readFileSync(join(src, name), 'utf8'),
        ),
      );
    expect(spelled).toEqual([]);
  });
});
