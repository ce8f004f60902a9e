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

/**
 * Another process already runs a local stack from the same data directory. With `recordFile`, it only may:
 * the file names a live process that cannot be told from a later one reusing its id, so the message names
 * the file and `fix`.
 */
export class DataDirInUseError extends PipelineError {
  constructor(
    dataDir: string,
    pid: number,
    detail: string,
    doubt?: { readonly recordFile: string; readonly fix: string },
  ) {
    super(
      'local',
      'DATA_DIR_IN_USE',
      doubt
        ? `The data directory ${dataDir} may be in use by process ${pid} (${detail}): ${doubt.recordFile} names it, ` +
            `but whether process ${pid} is still the one that wrote it cannot be told. ${doubt.fix}`
        : `The data directory ${dataDir} is in use by process ${pid} (${detail}). Stop that process (Ctrl-C) or pass another --data-dir.`,
    );
  }
}

/** A folder given as a data dir (or a folder in it) cannot be used: it is a file, lies under one, or cannot be created or written. */
export class DataDirUnusableError extends PipelineError {
  constructor(folder: string, problem: string, fix: string) {
    super('local', 'DATA_DIR_UNUSABLE', `Cannot use the folder ${folder}: ${problem}. ${fix}`);
  }
}

/** A read-only command was pointed at a folder that holds no pipeline's state. */
export class NoPipelineDataError extends PipelineError {
  constructor(folder: string, problem: string) {
    super(
      'local',
      'NO_PIPELINE_DATA',
      `${folder} ${problem}. Pass the --data-dir \`gadget-cdc up\` used, or run \`gadget-cdc up\` (npm start) first ` +
        '(the default data dir, ./.gadget-cdc, is relative to the folder you run in).',
    );
  }
}

/** A state file in the data dir (a checkpoint, the stack record, the run status) cannot be read. */
export class DamagedStateFileError extends PipelineError {
  constructor(path: string, problem: string, fix: string) {
    super('local', 'DAMAGED_STATE_FILE', `${path} cannot be read (${problem}). ${fix}`);
  }
}

/** Ctrl-C (or SIGTERM) came while the local stack was starting: whatever had started is stopped again. */
export class StartInterruptedError extends PipelineError {
  constructor() {
    super(
      'local',
      'START_INTERRUPTED',
      'Interrupted while the local stack was starting: every server it had started is stopped, nothing was written.',
    );
  }
}

/** A local server died while the stack was running. */
export class LocalServerCrashedError extends PipelineError {
  constructor(reason: string) {
    super('local', 'LOCAL_SERVER_CRASHED', `${reason}\nThe data dir is intact; start again to resume.`);
  }
}
