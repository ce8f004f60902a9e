import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type Metric, type MetricOptions, Stats, Unit } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyDocument, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FilterPattern, LogGroup, MetricFilter, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { TRANSFORM_METRICS, transformMetricNamespace } from '../../src/aws/transform-metrics.ts';
import { allow } from './allow.ts';

/** The Firehose transform the local delivery worker calls in-process: deployed as it is, not a copy. */
export const TRANSFORM_ENTRY = fileURLToPath(new URL('../../src/transform/handler.ts', import.meta.url));
const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface TransformFunctionProps {
  readonly functionName: string;
  /**
   * The module whose `handler` Firehose invokes, bundled the same way.
   * @default TRANSFORM_ENTRY, the lake's transform
   */
  readonly entry?: string;
  /** @default the lake transform's description */
  readonly description?: string;
  /** Added to the function's environment (after NODE_OPTIONS). @default none */
  readonly environment?: Record<string, string>;
  /**
   * Memory, which also buys CPU: the transform is CPU-bound JSON work, so more memory means shorter, not
   * costlier, invocations up to about one vCPU (1,769 MB).
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Firehose waits up to 5 minutes for an invocation; a 1 MB batch takes tens of milliseconds.
   * @default Duration.minutes(1)
   */
  readonly timeout?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/**
 * The fields of the transform's one JSON log line per invocation (`src/transform/handler.ts`,
 * `TransformSummary` in `src/transform/transform-batch.ts`) that become metrics.
 */
export const TRANSFORM_LOG_FIELDS = {
  message: { selector: '$.message', value: 'transformed' },
  /** Ok rows in which a column was set to NULL because the item's value does not fit its type. */
  unrepresentable: '$.unrepresentable',
  /** Records the transform returned as ProcessingFailed (they land under errors/processing-failed/). */
  processingFailed: '$.results.ProcessingFailed',
} as const;

/**
 * The transform Lambda: `src/transform/handler.ts` (or another `entry`, the current-state transform) bundled by
 * the local esbuild (no Docker), ESM, on the
 * current Node.js runtime and ARM64 (cheaper per GB-second). Its role may only write to its own log group:
 * the function reads nothing and calls no AWS API, Firehose hands it the records and takes back the rows.
 *
 * Its log line per invocation feeds two custom metrics (metric filters on its log group, namespace
 * `GadgetSalesCdc/<function name>`): `UnrepresentableChanges` and `ProcessingFailedRecords`, each the sum of the
 * field over the invocations that reported any.
 */
export class TransformFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  /** The namespace of the metrics the log line feeds: one per function, so two deployments never mix. */
  readonly metricNamespace: string;
  private readonly unrepresentableFilter: MetricFilter;
  private readonly processingFailedFilter: MetricFilter;

  constructor(scope: Construct, id: string, props: TransformFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Our own role instead of the default one, which attaches the AWS managed AWSLambdaBasicExecutionRole
    // (logs on every log group of the account; cdk-nag IAM4).
    const role = new Role(this, 'Role', {
      description: `Lambda ${props.functionName}: write its own logs, nothing else`,
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: {
        logs: new PolicyDocument({
          statements: [allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [this.logGroup.logGroupArn])],
        }),
      },
    });
    this.function = new NodejsFunction(this, 'Function', {
      functionName: props.functionName,
      description:
        props.description ??
        'Firehose transform: DynamoDB stream records (via Pipes and Kinesis) to orders_cdc rows',
      entry: props.entry ?? TRANSFORM_ENTRY,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.minutes(1),
      role,
      logGroup: this.logGroup,
      projectRoot: REPOSITORY_ROOT,
      depsLockFilePath: `${REPOSITORY_ROOT}package-lock.json`,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        // Keeps `npm run synth` quiet: esbuild still reports warnings and errors.
        logLevel: LogLevel.WARNING,
      },
    });

    this.metricNamespace = transformMetricNamespace(props.functionName);
    const { message } = TRANSFORM_LOG_FIELDS;
    const sumOf = (metricName: string, selector: string) =>
      new MetricFilter(this, metricName, {
        logGroup: this.logGroup,
        metricNamespace: this.metricNamespace,
        metricName,
        // Only the summary line, and only when the count is positive: no data point otherwise.
        filterPattern: FilterPattern.all(
          FilterPattern.stringValue(message.selector, '=', message.value),
          FilterPattern.numberValue(selector, '>', 0),
        ),
        metricValue: selector,
        unit: Unit.COUNT,
      });
    this.unrepresentableFilter = sumOf(
      TRANSFORM_METRICS.unrepresentable,
      TRANSFORM_LOG_FIELDS.unrepresentable,
    );
    this.processingFailedFilter = sumOf(
      TRANSFORM_METRICS.processingFailed,
      TRANSFORM_LOG_FIELDS.processingFailed,
    );
  }

  /** Changes whose row has a column set to NULL for a value it cannot hold (the exact value is in image_json). */
  metricUnrepresentableChanges(options: MetricOptions = {}): Metric {
    return this.unrepresentableFilter.metric({ statistic: Stats.SUM, ...options });
  }

  /** Records the transform marked ProcessingFailed: their raw bytes are under errors/processing-failed/. */
  metricProcessingFailedRecords(options: MetricOptions = {}): Metric {
    return this.processingFailedFilter.metric({ statistic: Stats.SUM, ...options });
  }
}
