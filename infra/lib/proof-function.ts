import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Database, S3Table } from 'aws-cdk-lib/aws-glue';
import { PolicyDocument, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { type IScheduleTarget, Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { MARKER_ORDERID_PREFIX } from '../../src/catalog/heartbeat-marker.ts';
import { PROOF_DEFAULTS, PROOF_ENV } from '../../src/observe/proof-config.ts';
import { allow } from './allow.ts';
import type { AthenaWorkGroup } from './athena-workgroup.ts';
import type { CurrentStateTable } from './current-state-table.ts';
import { TABLE_PREFIX } from './lake-layout.ts';
import { nagArn } from './nag-finding.ts';

/** The standing proof's handler, bundled as it is (the check and the heartbeat the CLI runs, on Athena). */
export const PROOF_ENTRY = fileURLToPath(new URL('../../src/observe/proof-handler.ts', import.meta.url));
const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The named queries, read from disk next to the module that reads them (src/catalog/named-queries.ts). */
const NAMED_QUERIES_DIR = 'src/catalog/sql';

/** Lambda's longest run: the proof gets all of it. */
const PROOF_TIMEOUT = Duration.minutes(15);
/** Kept after the heartbeat's timeout for its last poll, the check's second look, the clean-up and the metrics. */
const HEARTBEAT_RESERVE = Duration.minutes(3);

export interface ProofFunctionProps {
  /** The function's name (at most 64 characters); the schedule has the same name. */
  readonly functionName: string;
  /** EventBridge Scheduler's rate expression (`rate(1 hour)`, from `-c proofSchedule`). */
  readonly schedule: string;
  /** The schedule's interval, in minutes: a run that could not start within it is dropped. */
  readonly intervalMinutes: number;
  /** The orders table: scanned, and written only under the heartbeat markers' keys. */
  readonly table: TableV2;
  /** Its workgroup's queries are the only ones the function may run; its results bucket, the only one it writes. */
  readonly athena: AthenaWorkGroup;
  /** The Glue database of `orders_cdc` (and of the current-state table). */
  readonly database: Database;
  /** `orders_cdc`, read through Athena. */
  readonly ordersCdc: S3Table;
  /** The lake bucket `orders_cdc` (and the current-state table) live in. */
  readonly lakeBucket: IBucket;
  /** With `-c currentState=iceberg`: current_orders reads this table, which the function may read too. */
  readonly currentState?: CurrentStateTable;
  /**
   * The stack's freshness threshold (the lake's DataFreshness alarm): a heartbeat marker not in the lake within it
   * is late. A run watches a marker at most for the function's 15 minutes less a reserve, so less when need be.
   */
  readonly maxFreshness: Duration;
  /** @default the proof's default settle time (src/observe/proof-config.ts) */
  readonly settle?: Duration;
  /** Memory, and so CPU: the check holds every order of the table and of current_orders. @default 1024 */
  readonly memorySize?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/**
 * The standing proof on AWS (`-c proof=true`): `src/observe/proof-handler.ts` bundled by the local esbuild like the
 * transform (ESM, the transform's runtime, ARM64), with the named queries beside it, run by an EventBridge
 * Scheduler schedule. Each run compares current_orders with a full scan of the orders table and times a heartbeat
 * marker from its write until Athena sees it, and logs the counts as metrics (embedded metric format: no
 * PutMetricData). A failed run is not retried: the next one is the retry.
 *
 * Its role may do exactly that: read the table (Scan, BatchGetItem, DescribeTable) and write and delete only items
 * whose key starts with the markers' prefix (`dynamodb:LeadingKeys`); run, follow and stop queries in the stack's
 * workgroup only; read the catalog, the database and the tables the queries read; read those tables' objects, and
 * read and write the workgroup's results bucket; write its own logs. The schedule has its own role, which may
 * only invoke this function, for schedules of this account.
 */
export class ProofFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly schedule: Schedule;
  readonly schedulerRole: Role;
  /** How long a run waits for its marker; FreshnessSeconds at or above it means a marker was late or lost. */
  readonly heartbeatTimeout: Duration;

  constructor(scope: Construct, id: string, props: ProofFunctionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { table, athena, database, ordersCdc, lakeBucket, currentState } = props;
    const results = athena.resultsBucket;
    this.heartbeatTimeout = Duration.seconds(
      Math.min(props.maxFreshness.toSeconds(), PROOF_TIMEOUT.minus(HEARTBEAT_RESERVE).toSeconds()),
    );

    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const workGroupArn = stack.formatArn({
      service: 'athena',
      resource: 'workgroup',
      resourceName: athena.workGroup.ref,
    });
    const tablesRead = [ordersCdc, ...(currentState ? [currentState] : [])];
    const objectsRead = [TABLE_PREFIX, ...(currentState ? [currentState.prefix] : [])];
    const markers = allow(['dynamodb:PutItem', 'dynamodb:DeleteItem'], [table.tableArn]);
    // LeadingKeys is the partition key of the item a request touches (the DynamoDB guide, "Using IAM policy
    // conditions for fine-grained access control"); ForAllValues, as for every multivalued key.
    markers.addCondition('ForAllValues:StringLike', {
      'dynamodb:LeadingKeys': [`${MARKER_ORDERID_PREFIX}*`],
    });
    this.role = new Role(this, 'Role', {
      // IAM takes tab, LF, CR, U+0020-U+007E and U+00A1-U+00FF only: test/infra checks.
      description: `Lambda ${props.functionName}: scan the orders table, write only heartbeat markers, query the lake in its workgroup`,
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: {
        proof: new PolicyDocument({
          statements: [
            allow(['dynamodb:DescribeTable', 'dynamodb:Scan', 'dynamodb:BatchGetItem'], [table.tableArn]),
            markers,
            allow(
              [
                'athena:StartQueryExecution',
                'athena:GetQueryExecution',
                'athena:GetQueryResults',
                'athena:StopQueryExecution',
              ],
              [workGroupArn],
            ),
            // What Athena asks the Data Catalog for a SELECT (partitions are projected; asked for all the same).
            allow(
              ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions', 'glue:GetPartition'],
              [database.catalog.catalogArn, database.databaseArn, ...tablesRead.map((read) => read.tableArn)],
            ),
            // Athena reads and writes S3 with the caller's permissions: the tables' objects, and the results.
            allow(['s3:GetBucketLocation', 's3:ListBucket'], [lakeBucket.bucketArn]),
            allow(
              ['s3:GetObject'],
              objectsRead.map((prefix) => lakeBucket.arnForObjects(`${prefix}*`)),
            ),
            allow(
              ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
              [results.bucketArn],
            ),
            allow(
              ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
              [results.arnForObjects('*')],
            ),
            allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [this.logGroup.logGroupArn]),
          ],
        }),
      },
    });
    const acknowledge = (finding: string, reason: string) =>
      Validations.of(this.role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${finding}]`, reason });
    for (const prefix of objectsRead)
      acknowledge(
        `${nagArn(lakeBucket)}/${prefix}*`,
        `Athena reads every object of the table under ${prefix} (named by Firehose, or by Iceberg at commit time) with the proof's own permissions; read only, that prefix only.`,
      );
    acknowledge(
      `${nagArn(results)}/*`,
      "Athena writes each query's result files under a name of its own in the workgroup's results bucket, with the caller's permissions; that bucket holds nothing else.",
    );

    const environment: Record<string, string> = {
      NODE_OPTIONS: '--enable-source-maps',
      [PROOF_ENV.tableName]: table.tableName,
      [PROOF_ENV.workGroup]: athena.workGroup.ref,
      [PROOF_ENV.database]: database.databaseName,
      [PROOF_ENV.settleSeconds]: String(
        (props.settle ?? Duration.seconds(PROOF_DEFAULTS.settleSeconds)).toSeconds(),
      ),
      [PROOF_ENV.heartbeatMarkers]: String(PROOF_DEFAULTS.heartbeatMarkers),
      [PROOF_ENV.heartbeatPollSeconds]: String(PROOF_DEFAULTS.heartbeatPollSeconds),
      [PROOF_ENV.heartbeatTimeoutSeconds]: String(this.heartbeatTimeout.toSeconds()),
      ...(currentState && { [PROOF_ENV.currentStateTable]: currentState.tableName }),
    };
    this.function = new NodejsFunction(this, 'Function', {
      functionName: props.functionName,
      description:
        'Standing proof: current_orders vs a full scan of the orders table, and a heartbeat marker timed to Athena',
      entry: PROOF_ENTRY,
      handler: 'handler',
      // The transform's runtime and architecture (infra/lib/transform-function.ts).
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: PROOF_TIMEOUT,
      // Scheduler invokes asynchronously: a failed run is not run again by Lambda (the next run is the retry).
      retryAttempts: 0,
      maxEventAge: Duration.minutes(Math.min(props.intervalMinutes, 6 * 60)),
      role: this.role,
      logGroup: this.logGroup,
      projectRoot: REPOSITORY_ROOT,
      depsLockFilePath: `${REPOSITORY_ROOT}package-lock.json`,
      environment,
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        // Error names in the log (ProofConfigError, AthenaQueryError, …), not minified ones.
        keepNames: true,
        logLevel: LogLevel.WARNING,
        // The SDK the tests ran, not the runtime's copy (the default leaves @aws-sdk/* out of the bundle). Parts of
        // it are CommonJS and require Node's modules, which an ESM bundle can do only through createRequire.
        externalModules: [],
        banner:
          "import { createRequire as proofCreateRequire } from 'node:module'; const require = proofCreateRequire(import.meta.url);",
        // The check reads current_orders.sql at run time, from `sql/` beside the module (now the bundle).
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => [
            `cp -R "${inputDir}/${NAMED_QUERIES_DIR}" "${outputDir}/sql"`,
          ],
        },
      },
    });

    this.schedulerRole = new Role(this, 'SchedulerRole', {
      description: `EventBridge Scheduler: invoke the proof function ${props.functionName}, nothing else`,
      // Only schedules of this account (the confused-deputy guard AWS documents for Scheduler's execution role).
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: {
          'aws:SourceAccount': stack.account,
          'aws:SourceArn': stack.formatArn({
            service: 'scheduler',
            resource: 'schedule-group',
            resourceName: 'default',
          }),
        },
      }),
      inlinePolicies: {
        invoke: new PolicyDocument({
          statements: [allow(['lambda:InvokeFunction'], [this.function.functionArn])],
        }),
      },
    });
    // The scheduler-targets L2 would grant the invoke in a separate policy, on the function's versions too.
    const target: IScheduleTarget = {
      bind: () => ({
        arn: this.function.functionArn,
        role: this.schedulerRole,
        retryPolicy: {
          maximumEventAgeInSeconds: Math.max(60, Math.min(props.intervalMinutes * 60, 86_400)),
        },
      }),
    };
    this.schedule = new Schedule(this, 'Schedule', {
      scheduleName: props.functionName,
      description: `Runs the standing proof, ${props.schedule}`,
      schedule: ScheduleExpression.expression(props.schedule),
      target,
    });
  }
}
