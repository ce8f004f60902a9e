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

/** Test code, which may reach anywhere: unit tests and the contract suites they run. */
const isTestCode = (name: string) => /\.(test|contract)\.ts$/.test(name);

/** The folders of src/ and, for each, the other folders its production code imports. */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const { file, target } of imports()) {
    const [from, to] = [file.split('/')[0] as string, target.split('/')[0] as string];
    if (isTestCode(file) || from === to || to.startsWith('..')) continue;
    graph.set(from, (graph.get(from) ?? new Set()).add(to));
  }
  return graph;
}

/** One folder-level import cycle as a path (`a → b → a`), or undefined when there is none. */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const done = new Set<string>();
  const visit = (folder: string, path: string[]): string[] | undefined => {
    const seenAt = path.indexOf(folder);
    if (seenAt >= 0) return [...path.slice(seenAt), folder];
    if (done.has(folder)) return undefined;
    for (const next of graph.get(folder) ?? []) {
      const cycle = visit(next, [...path, folder]);
      if (cycle) return cycle;
    }
    done.add(folder);
    return undefined;
  };
  for (const folder of graph.keys()) {
    const cycle = visit(folder, []);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('the folder layout', () => {
  it('has no folder-level import cycle: each folder of src/ only uses folders below it', () => {
    expect(findCycle(folderGraph())?.join(' → ')).toBeUndefined();
  });

  it('finds a cycle when there is one (the check above can fail)', () => {
    const graph = new Map([
      ['lake', new Set(['catalog'])],
      ['catalog', new Set(['errors', 'delivery'])],
      ['delivery', new Set(['lake'])],
    ]);
    expect(findCycle(graph)?.join(' → ')).toBe('lake → catalog → delivery → lake');
  });

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
