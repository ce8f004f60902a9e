import { PipelineError } from '../errors/pipeline-error.ts';

const JAVA_FIX =
  'Install Java 17 or newer: on Debian/Ubuntu `apt-get install -y openjdk-17-jre-headless`, on macOS `brew install openjdk@17`; then make sure `java` is on PATH.';

/** `java` is not on PATH, so DynamoDB Local cannot start. */
export class JavaNotFoundError extends PipelineError {
  constructor(command: string) {
    super(
      'local',
      'JAVA_NOT_FOUND',
      `DynamoDB Local needs Java 17+, but \`${command}\` was not found on PATH. ${JAVA_FIX}`,
    );
  }
}

/** `java` runs but is older than DynamoDB Local supports. */
export class JavaTooOldError extends PipelineError {
  constructor(command: string, version: string) {
    super(
      'local',
      'JAVA_TOO_OLD',
      `DynamoDB Local needs Java 17+, but \`${command}\` is version ${version}. ${JAVA_FIX}`,
    );
  }
}

/** A local server exited or stayed silent before it answered requests. */
export class LocalServerStartError extends PipelineError {
  constructor(server: string, reason: string, output: string) {
    const tail = output.trim() ? `\nIts last output:\n${output.trim()}` : '';
    super('local', 'LOCAL_SERVER_START_FAILED', `${server} did not start: ${reason}.${tail}`);
  }
}

/** Another process already runs a local stack from the same data directory. */
export class DataDirInUseError extends PipelineError {
  constructor(dataDir: string, pid: number, detail: string) {
    super(
      'local',
      'DATA_DIR_IN_USE',
      `The data directory ${dataDir} is in use by process ${pid} (${detail}). Stop that process (Ctrl-C) or pass another --data-dir.`,
    );
  }
}

/** A local server died while the stack was running. */
export class LocalServerCrashedError extends PipelineError {
  constructor(reason: string) {
    super('local', 'LOCAL_SERVER_CRASHED', `${reason}\nThe data dir is intact; start again to resume.`);
  }
}
