import type { InitializeMiddleware } from '@smithy/types';
import { PipelineError } from '../errors/pipeline-error.ts';

/** Node's codes for a connection that could not be made, or was cut before an answer came. */
const CONNECTION_FAILURES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused: nothing listens there',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** A service endpoint that does not answer; the message names it and says what to check or start. */
export class EndpointUnreachableError extends PipelineError {
  constructor(
    readonly service: string,
    readonly endpoint: string,
    advice: string,
    cause: unknown,
  ) {
    super(
      'aws',
      'ENDPOINT_UNREACHABLE',
      `Cannot reach ${service} at ${endpoint} (${connectionFailure(cause)}). ${advice}`,
      { cause },
    );
  }
}

/** True for an error of the SDK that means no answer came from the endpoint at all. */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'string' && code in CONNECTION_FAILURES) || error.name === 'TimeoutError';
}

/**
 * An SDK middleware (add it at the `initialize` step, outside the SDK's retries) that turns a request that
 * could not reach the endpoint, after the SDK's own attempts, into an EndpointUnreachableError naming it.
 * Any other error passes through untouched.
 */
export function failWithEndpoint<Input extends object, Output extends object>(
  service: string,
  endpoint: string,
  advice: string,
): InitializeMiddleware<Input, Output> {
  return (next) => async (args) => {
    try {
      return await next(args);
    } catch (error) {
      if (isConnectionFailure(error)) throw new EndpointUnreachableError(service, endpoint, advice, error);
      throw error;
    }
  };
}

function connectionFailure(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && code in CONNECTION_FAILURES) return `${code}, ${CONNECTION_FAILURES[code]}`;
  return error instanceof Error ? error.message : String(error);
}
