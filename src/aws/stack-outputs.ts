import {
  CloudFormationClient,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
} from '@aws-sdk/client-cloudformation';
import { PipelineError } from '../errors/pipeline-error.ts';
import { type OptionalStackOutput, STACK_OUTPUT_KEYS, type StackOutputName } from './stack-output-keys.ts';

/** The one CloudFormation call made here; a `CloudFormationClient` fits, and so does a scripted client in tests. */
export interface CloudFormationApi {
  send(command: DescribeStacksCommand): Promise<DescribeStacksCommandOutput>;
}

/** Which deployed stack to read, and where. */
export interface StackLookup {
  readonly stackName: string;
  readonly region: string;
  /** A profile of ~/.aws/config. @default $AWS_PROFILE, else the default credential chain */
  readonly profile?: string;
  /** @default a `CloudFormationClient` for `region` and `profile`, destroyed after the call */
  readonly client?: CloudFormationApi;
}

/** A name the command needs: the value the user gave (wins), and the option that gives it, for messages. */
export interface WantedName {
  readonly value: string | undefined;
  readonly option: string;
}

/** The stack is not deployed (or deleted) in that region. */
export class StackNotFoundError extends PipelineError {
  constructor(lookup: StackLookup, options: readonly string[]) {
    super(
      'aws',
      'STACK_NOT_FOUND',
      `Stack ${JSON.stringify(lookup.stackName)} is not deployed in region ${lookup.region}. Deploy it with ` +
        '`npm run deploy` (see infra/README.md), pass --stack <name> and --region <region> for a stack deployed ' +
        `elsewhere, or give ${options.join(' and ')} explicitly.`,
    );
  }
}

/** The stack exists but lacks an output, e.g. while it is still being created or after a failed deploy. */
export class StackOutputMissingError extends PipelineError {
  constructor(lookup: StackLookup, status: string, key: string, option: string) {
    super(
      'aws',
      'STACK_OUTPUT_MISSING',
      `Stack ${JSON.stringify(lookup.stackName)} in region ${lookup.region} (status ${status}) has no output ` +
        `${key}. Finish or repeat its deployment with \`npm run deploy\`, or pass ${option} explicitly.`,
    );
  }
}

/** DescribeStacks itself failed: no credentials, no permission, no network. */
export class StackOutputsUnreadableError extends PipelineError {
  constructor(lookup: StackLookup, options: readonly string[], cause: unknown) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(
      'aws',
      'STACK_OUTPUTS_UNREADABLE',
      `Could not read the outputs of stack ${JSON.stringify(lookup.stackName)} in region ${lookup.region} ` +
        `(${reason}). Check the credentials (--profile or AWS_PROFILE) and that they allow ` +
        `cloudformation:DescribeStacks, or give ${options.join(' and ')} explicitly.`,
      { cause },
    );
  }
}

/**
 * Each wanted name: the value the user gave when there is one, else the deployed stack's output. The stack is
 * read (one DescribeStacks call) only when some required name was not given, so fully explicit commands never
 * need CloudFormation access. An optional name (an output only some stacks have) is the user's value, else the
 * output when the stack is read and has it, else undefined.
 */
export async function namesFromStack<K extends StackOutputName, O extends OptionalStackOutput = never>(
  lookup: StackLookup,
  wanted: { readonly [P in K]: WantedName },
  optional: { readonly [P in O]: WantedName } = {} as { readonly [P in O]: WantedName },
): Promise<Record<K, string> & Partial<Record<O, string>>> {
  const entries = Object.entries(wanted) as [K, WantedName][];
  const optionalEntries = Object.entries(optional) as [O, WantedName][];
  const missing = entries.filter(([, name]) => name.value === undefined);
  const names = Object.fromEntries(
    [...entries, ...optionalEntries].flatMap(([key, name]) =>
      name.value === undefined ? [] : [[key, name.value]],
    ),
  ) as Record<K, string> & Partial<Record<O, string>>;
  if (missing.length === 0) return names;
  const options = missing.map(([, name]) => name.option);
  const stack = await describeStack(lookup, options);
  for (const [key, name] of missing) {
    const outputKey = STACK_OUTPUT_KEYS[key];
    const value = stack.outputs.get(outputKey);
    if (value === undefined) throw new StackOutputMissingError(lookup, stack.status, outputKey, name.option);
    names[key] = value as (typeof names)[K];
  }
  for (const [key, name] of optionalEntries) {
    const value = stack.outputs.get(STACK_OUTPUT_KEYS[key]);
    if (name.value === undefined && value !== undefined) names[key] = value as (typeof names)[O];
  }
  return names;
}

interface DescribedStack {
  readonly status: string;
  /** OutputKey → OutputValue. */
  readonly outputs: ReadonlyMap<string, string>;
}

async function describeStack(lookup: StackLookup, options: readonly string[]): Promise<DescribedStack> {
  const client =
    lookup.client ??
    new CloudFormationClient({
      region: lookup.region,
      maxAttempts: 3,
      ...(lookup.profile ? { profile: lookup.profile } : {}),
    });
  try {
    const { Stacks = [] } = await client.send(new DescribeStacksCommand({ StackName: lookup.stackName }));
    const stack = Stacks[0];
    if (!stack) throw new StackNotFoundError(lookup, options);
    const outputs = new Map<string, string>();
    for (const { OutputKey, OutputValue } of stack.Outputs ?? []) {
      if (OutputKey !== undefined && OutputValue !== undefined) outputs.set(OutputKey, OutputValue);
    }
    return { status: stack.StackStatus ?? 'UNKNOWN', outputs };
  } catch (error) {
    if (error instanceof PipelineError) throw error;
    // CloudFormation answers a stack name it does not know with a ValidationError, not a NotFound.
    if (isMissingStack(error)) throw new StackNotFoundError(lookup, options);
    throw new StackOutputsUnreadableError(lookup, options, error);
  } finally {
    if (!lookup.client && client instanceof CloudFormationClient) client.destroy();
  }
}

function isMissingStack(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationError' && /does not exist/i.test(error.message);
}
