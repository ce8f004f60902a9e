import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../', import.meta.url));

/**
 * Every module `gadget-cdc` loads before a command's action runs: the static imports reachable from main.ts
 * (an action's `await import(…)` is not followed; `import type` is erased). Files under src/ as paths relative
 * to it, packages by name.
 */
function loadedAtStart(): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (path: string) => {
    const name = relative(src, path);
    if (files.has(name)) return;
    files.add(name);
    const text = readFileSync(path, 'utf8');
    for (const [, specifier = ''] of text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)';/gm)) {
      if (specifier.startsWith('.')) visit(resolve(dirname(path), specifier));
      else if (!specifier.startsWith('node:')) packages.add(specifier);
    }
  };
  visit(resolve(src, 'cli/main.ts'));
  return { files: [...files], packages: [...packages] };
}

describe('what gadget-cdc loads before a command runs', () => {
  it('is the command definitions and what they need, never an implementation', () => {
    const { files, packages } = loadedAtStart();
    expect(files).toContain('cli/commands/pipe-command.ts');
    expect(files.filter((file) => file.endsWith('-action.ts'))).toEqual([]);
    expect(files.filter((file) => /^(twin|dashboard|delivery\/(?!delivery-config))/.test(file))).toEqual([]);
    expect(packages.sort()).toEqual(['commander', 'zod']);
  });
});
