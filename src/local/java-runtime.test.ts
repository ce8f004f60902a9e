import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkJavaRuntime, parseJavaMajor } from './java-runtime.ts';
import { JavaNotFoundError, JavaTooOldError } from './local-stack-errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'fake-java-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeJava(name: string, versionLine: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\necho '${versionLine}' >&2\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('parseJavaMajor', () => {
  it.each([
    ['1.8.0_392', 8],
    ['11.0.2', 11],
    ['17.0.15', 17],
    ['21', 21],
    ['22-ea', 22],
  ])('%s → %i', (version, major) => expect(parseJavaMajor(version)).toBe(major));
});

describe('checkJavaRuntime', () => {
  it('accepts the Java on this machine (17+)', () => {
    expect(checkJavaRuntime().major).toBeGreaterThanOrEqual(17);
  });

  it('names the package to install when java is missing', () => {
    const check = () => checkJavaRuntime(join(dir, 'no-such-java'));
    expect(check).toThrow(JavaNotFoundError);
    expect(check).toThrow(/apt-get install -y openjdk-17-jre-headless/);
  });

  it('refuses Java older than 17, naming the version found', () => {
    const java = fakeJava('java11', 'openjdk version "11.0.21" 2023-10-17');
    expect(() => checkJavaRuntime(java)).toThrow(JavaTooOldError);
    expect(() => checkJavaRuntime(java)).toThrow(/is version 11\.0\.21.*openjdk-17-jre-headless/);
    expect(() => checkJavaRuntime(fakeJava('java8', 'java version "1.8.0_392"'))).toThrow(/1\.8\.0_392/);
  });
});
