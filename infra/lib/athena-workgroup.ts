import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import { CfnNamedQuery, CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { Bucket, BucketEncryption, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  createCurrentOrdersView,
  currentOrdersAsOfParameter,
  seedCurrentStateTable,
} from '../../src/catalog/current-orders-sql.ts';
import { namedQueries, namedQuerySql, namedQuerySummary } from '../../src/catalog/named-queries.ts';
import { secureBucketDefaults } from './lake-bucket.ts';

/** The named query that (re)creates the view the other queries read, from the same `current_orders.sql`. */
export const CREATE_VIEW_QUERY_NAME = 'create_current_orders_view';
/** `current_orders` as of a time, its one parameter (the CLI's `query … --as-of`). */
export const AS_OF_QUERY_NAME = 'current_orders_as_of';
/** With a current-state table: the named query that seeds it with the orders that existed before it. */
export const SEED_QUERY_NAME = 'seed_current_orders_state';

export interface AthenaWorkGroupProps {
  readonly workGroupName: string;
  /** The Glue database the named queries run in (it holds `orders_cdc` and the view `current_orders`). */
  readonly databaseName: string;
  /** Where the results bucket writes its server access logs. */
  readonly accessLogs: IBucket;
  /** Query result files are deleted after this. @default Duration.days(30) */
  readonly resultRetention?: Duration;
  /**
   * A query scanning more than this is cancelled: a guard on cost ($5 per TB scanned).
   * @default Size.gibibytes(10)
   */
  readonly bytesScannedCutoffPerQuery?: Size;
  /**
   * The current-state table, when the stack has one (`-c currentState=iceberg`): the view then ranks it instead
   * of the whole history, and a named query seeds it. @default none: the view ranks `orders_cdc`
   */
  readonly currentStateTable?: string;
}

/**
 * SQL on AWS: an Athena workgroup (engine version 3) with its own encrypted result location, enforced so
 * every query of the workgroup writes there, and the repository's named queries (`src/catalog/sql/*.sql`)
 * saved in it under the same names. The queries over `current_orders` need the view: `gadget-cdc query
 * --target aws` creates it before its first use, and the named query `create_current_orders_view` does it
 * from the console (over the current-state table when there is one, src/catalog/current-orders-sql.ts).
 */
export class AthenaWorkGroup extends Construct {
  readonly workGroup: CfnWorkGroup;
  readonly resultsBucket: Bucket;
  readonly namedQueries: CfnNamedQuery[];

  constructor(scope: Construct, id: string, props: AthenaWorkGroupProps) {
    super(scope, id);
    this.resultsBucket = new Bucket(this, 'Results', {
      ...secureBucketDefaults,
      encryption: BucketEncryption.S3_MANAGED,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'athena-results/',
      lifecycleRules: [
        {
          expiration: props.resultRetention ?? Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // CloudFormation cannot delete a bucket holding objects: it stays after `cdk destroy` (infra/README.md).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: props.workGroupName,
      description: 'Gadget sales CDC: SQL over orders_cdc and current_orders',
      state: 'ENABLED',
      // Deleting the stack deletes the workgroup with its saved queries and history.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: (props.bytesScannedCutoffPerQuery ?? Size.gibibytes(10)).toBytes(),
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: this.resultsLocation,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });

    const { currentStateTable } = props;
    const queries = [
      ...namedQueries().map((name) => ({ name, sql: namedQuerySql(name), summary: namedQuerySummary(name) })),
      {
        name: CREATE_VIEW_QUERY_NAME,
        sql: createCurrentOrdersView(currentStateTable),
        summary:
          'Creates (or refreshes) the view current_orders that the other queries read; run it once first.',
      },
      {
        name: AS_OF_QUERY_NAME,
        sql: currentOrdersAsOfParameter(),
        summary:
          'current_orders as it stood at a time (its parameter, in ms since 1970), from the change events in orders_cdc.',
      },
      ...(currentStateTable
        ? [
            {
              name: SEED_QUERY_NAME,
              sql: seedCurrentStateTable(currentStateTable),
              summary:
                `Adds to ${currentStateTable} the orders it lacks, from the history: run it once when the table ` +
                'was added to a stack that already had orders.',
            },
          ]
        : []),
    ];
    this.namedQueries = queries.map(
      ({ name, sql, summary }) =>
        new CfnNamedQuery(this, `Query-${name}`, {
          name,
          description: summary.slice(0, 1024),
          database: props.databaseName,
          queryString: sql,
          workGroup: this.workGroup.ref,
        }),
    );
  }

  /** `s3://<results bucket>/`: where every query of the workgroup writes its result files. */
  get resultsLocation(): string {
    return `s3://${this.resultsBucket.bucketName}/`;
  }
}
