/** The pipeline stage an error comes from; matches the folders under `src/`. */
export type PipelineStage =
  | 'cli'
  | 'config'
  | 'aws'
  | 'local'
  | 'generator'
  | 'pipe'
  | 'delivery'
  | 'transform'
  | 'lake'
  | 'catalog'
  | 'dashboard';

/**
 * Base of every error the pipeline raises on purpose. `code` is stable (tests and scripts may match on it);
 * the message says what failed, the value received, and what to do about it.
 */
export class PipelineError extends Error {
  readonly code: string;
  readonly stage: PipelineStage;

  constructor(stage: PipelineStage, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.stage = stage;
  }
}

/** A user-supplied option or config value is invalid. */
export class InvalidOptionError extends PipelineError {
  constructor(stage: PipelineStage, message: string) {
    super(stage, 'INVALID_OPTION', message);
  }
}
