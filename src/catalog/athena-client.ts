import { AthenaClient } from '@aws-sdk/client-athena';
import { PipelineError } from '../errors/pipeline-error.ts';

/** No region or no credentials for AWS: reported before any request, with how to provide them. */
export class AwsSetupError extends PipelineError {
  constructor(code: 'AWS_REGION_MISSING' | 'AWS_CREDENTIALS_MISSING', message: string, cause?: unknown) {
    super('aws', code, message, { cause });
  }
}

export interface AthenaConnection {
  /** @default $AWS_REGION, then $AWS_DEFAULT_REGION, then the profile's region in ~/.aws/config */
  readonly region?: string;
  /** A profile of ~/.aws/config and ~/.aws/credentials. @default $AWS_PROFILE, else the default chain */
  readonly profile?: string;
}

/**
 * An `AthenaClient` on the default credential chain, with region and credentials resolved now: a missing one
 * is an `AwsSetupError` naming the fix, not a stack trace from the first query.
 * `maxAttempts: 1`: the AthenaEngine retries with the repository's backoff, so SDK and engine retries do
 * not multiply.
 */
export async function connectAthenaClient(connection: AthenaConnection = {}): Promise<AthenaClient> {
  const region = connection.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const client = new AthenaClient({
    maxAttempts: 1,
    ...(region ? { region } : {}),
    ...(connection.profile ? { profile: connection.profile } : {}),
  });
  try {
    await client.config.region();
  } catch (error) {
    client.destroy();
    throw new AwsSetupError(
      'AWS_REGION_MISSING',
      'No AWS region for Athena. Pass --region <region> (e.g. --region eu-west-1), set AWS_REGION, or set a ' +
        'region in the profile you use (~/.aws/config).',
      error,
    );
  }
  try {
    await client.config.credentials();
  } catch (error) {
    client.destroy();
    const profile = connection.profile ?? process.env.AWS_PROFILE;
    throw new AwsSetupError(
      'AWS_CREDENTIALS_MISSING',
      `No AWS credentials for Athena${profile ? ` from profile ${JSON.stringify(profile)}` : ''} ` +
        `(${error instanceof Error ? error.message : String(error)}). Pass --profile <name> or set AWS_PROFILE ` +
        '(a profile in ~/.aws/config; for SSO run `aws sso login --profile <name>` first), or set ' +
        'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
      error,
    );
  }
  return client;
}
