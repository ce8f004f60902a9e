import { DashboardServer } from '../../dashboard/dashboard-server.ts';
import { PipelineError } from '../../errors/pipeline-error.ts';
import type { AwsLakeOptions } from '../aws-lake.ts';
import { abortOnInterrupt } from '../interrupt.ts';

/** `gadget-cdc dashboard` over an existing lake: serves the page (on `port`, 0 for a free one) until Ctrl-C. */
export async function dashboardAction(where: {
  dataDir: string;
  lakeDir: string;
  port: number;
}): Promise<void> {
  await serveUntilInterrupt(async () => DashboardServer.start(where));
}

export interface AwsDashboardOptions extends AwsLakeOptions {
  /** 0 picks a free port. */
  port: number;
  refreshMs: number;
  /** USD per TB Athena scans. */
  pricePerTb: number;
}

/**
 * `gadget-cdc dashboard --target aws`: the page over the deployed stack until Ctrl-C. Region and credentials are
 * checked first (with their own advice), then the stack's outputs name everything the page reads.
 */
export async function awsDashboardAction(options: AwsDashboardOptions): Promise<void> {
  // The AWS SDK's clients load only here, not for the local page.
  const [{ connectAthenaClient }, { CloudWatchClient }, { S3Client }, { AwsStackSource }] = await Promise.all(
    [
      import('../../catalog/athena-client.ts'),
      import('@aws-sdk/client-cloudwatch'),
      import('@aws-sdk/client-s3'),
      import('../../dashboard/aws-stack-source.ts'),
    ],
  );
  const athena = await connectAthenaClient({ region: options.region, profile: options.profile });
  const region = await athena.config.region();
  // One attempt each: the dashboard retries with the repository's backoff, so retries do not multiply.
  const connection = { region, maxAttempts: 1, ...(options.profile && { profile: options.profile }) };
  const cloudWatch = new CloudWatchClient(connection);
  const s3 = new S3Client(connection);
  try {
    const stack = await deployedStack(options, region);
    await serveUntilInterrupt(async (interrupted) => {
      const source = new AwsStackSource({
        athena,
        cloudWatch,
        s3,
        stack,
        refreshMs: options.refreshMs,
        pricePerTbUsd: options.pricePerTb,
        // Ctrl-C stops the Athena queries running (StopQueryExecution) rather than leaving them billing.
        signal: interrupted,
      });
      return DashboardServer.serve(source, { port: options.port });
    }, `stack ${stack.stackName} in ${region}, workgroup ${stack.workGroup}; Athena runs only when the lake has a new object`);
  } finally {
    for (const client of [athena, cloudWatch, s3]) client.destroy();
  }
}

/** The stack's names from its outputs; --workgroup, --database and --current-state-table win over the stack's. */
async function deployedStack(options: AwsDashboardOptions, region: string) {
  const { namesFromStack, StackNotFoundError, StackOutputsUnreadableError } = await import(
    '../../aws/stack-outputs.ts'
  );
  // The stack is read whatever is given: only it names the bucket, the pipe, the stream and the rest.
  const fromStack = { value: undefined, option: '--stack' };
  try {
    const names = await namesFromStack(
      { stackName: options.stack, region, profile: options.profile },
      {
        workGroupName: { value: options.workgroup, option: '--workgroup' },
        databaseName: { value: options.database, option: '--database' },
        bucketName: fromStack,
        pipeName: fromStack,
        streamName: fromStack,
        deliveryStreamName: fromStack,
        transformFunctionName: fromStack,
      },
      { currentStateTableName: { value: options.currentStateTable, option: '--current-state-table' } },
    );
    return {
      stackName: options.stack,
      region,
      workGroup: names.workGroupName,
      database: names.databaseName,
      bucket: names.bucketName,
      pipeName: names.pipeName,
      streamName: names.streamName,
      deliveryStreamName: names.deliveryStreamName,
      transformFunctionName: names.transformFunctionName,
      currentStateTable: names.currentStateTableName,
      outputLocation: options.outputLocation,
    };
  } catch (error) {
    if (!(error instanceof StackNotFoundError) && !(error instanceof StackOutputsUnreadableError))
      throw error;
    // Said for the dashboard, which needs the stack whatever options are given.
    const why =
      error instanceof StackNotFoundError
        ? 'is not deployed there'
        : `cannot be read (${causeOf(error)}); check the credentials (--profile or AWS_PROFILE) and that they allow cloudformation:DescribeStacks`;
    throw new PipelineError(
      'cli',
      error.code,
      `Stack ${JSON.stringify(options.stack)} in region ${region} ${why}. The dashboard on AWS reads the stack's ` +
        'outputs (its bucket, pipe, stream, delivery stream, transform function and alarms): deploy it with ' +
        '`npm run deploy`, or pass --stack <name> and --region <region> of the stack you deployed.',
      { cause: error },
    );
  }
}

function causeOf(error: PipelineError): string {
  const cause = error.cause;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}

/** Serves the page until Ctrl-C (which aborts the signal `start` gets), saying where (and `about` it, if given). */
async function serveUntilInterrupt(
  start: (interrupted: AbortSignal) => Promise<DashboardServer>,
  about?: string,
): Promise<void> {
  const interrupt = abortOnInterrupt();
  try {
    const dashboard = await start(interrupt.signal);
    try {
      // A Ctrl-C while the first refresh ran (on Athena, seconds) ends the command here, not at a second one.
      if (interrupt.signal.aborted) return;
      console.log(`Dashboard: ${dashboard.url} (Ctrl-C stops it)`);
      if (about) console.log(`  ${about}`);
      await new Promise((done) => interrupt.signal.addEventListener('abort', done, { once: true }));
    } finally {
      await dashboard.stop();
    }
  } finally {
    interrupt.dispose();
  }
}
