import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { CfnCrawler, type Database } from 'aws-cdk-lib/aws-glue';
import { PolicyDocument, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { allow } from './allow.ts';
import { TABLE_PREFIX } from './lake-layout.ts';
import { nagArn, nagArnPrefix, nagRef } from './nag-finding.ts';

export interface OrdersCrawlerProps {
  readonly database: Database;
  readonly bucket: IBucket;
  /**
   * The crawler's table is `<prefix>orders_cdc`, beside the explicit table and never over it.
   * @default 'crawled_'
   */
  readonly tablePrefix?: string;
}

/**
 * An optional Glue crawler over `orders_cdc/`, for parity with the original tutorial (which crawled the
 * bucket to make its table). Off by default: the explicit `orders_cdc` table with partition projection needs
 * no crawler. Run on demand (`aws glue start-crawler --name <name>`); it writes only `<prefix>*` tables.
 * Its role replaces the AWS managed AWSGlueServiceRole (which reaches every bucket named aws-glue-*).
 */
export class OrdersCrawler extends Construct {
  readonly crawler: CfnCrawler;

  constructor(scope: Construct, id: string, props: OrdersCrawlerProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const tablePrefix = props.tablePrefix ?? 'crawled_';
    const { databaseName } = props.database;
    const crawledTables = stack.formatArn({
      service: 'glue',
      resource: 'table',
      resourceName: `${databaseName}/${tablePrefix}*`,
    });
    const crawlerLogs = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: '/aws-glue/crawlers:*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const role = new Role(this, 'Role', {
      // IAM takes tab, LF, CR, U+0020-U+007E and U+00A1-U+00FF only (no …, → or curly quotes): test/infra checks.
      description: `Glue crawler over s3://<lake>/${TABLE_PREFIX}: read that prefix, write ${tablePrefix}* tables`,
      assumedBy: new ServicePrincipal('glue.amazonaws.com'),
      inlinePolicies: {
        crawl: new PolicyDocument({
          statements: [
            allow(['glue:GetDatabase'], [props.database.catalog.catalogArn, props.database.databaseArn]),
            allow(
              [
                'glue:GetTable',
                'glue:GetTables',
                'glue:CreateTable',
                'glue:UpdateTable',
                'glue:GetPartition',
                'glue:GetPartitions',
                'glue:BatchGetPartition',
                'glue:CreatePartition',
                'glue:BatchCreatePartition',
                'glue:UpdatePartition',
                'glue:BatchUpdatePartition',
              ],
              [props.database.catalog.catalogArn, props.database.databaseArn, crawledTables],
            ),
            allow(['s3:GetBucketLocation', 's3:ListBucket'], [props.bucket.bucketArn]),
            allow(['s3:GetObject'], [props.bucket.arnForObjects(`${TABLE_PREFIX}*`)]),
            allow(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], [crawlerLogs]),
          ],
        }),
      },
    });
    const acknowledge = (finding: string, reason: string) =>
      Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${finding}]`, reason });
    acknowledge(
      `${nagArnPrefix(this, 'glue')}table/${nagRef(props.database)}/${tablePrefix}*`,
      `The crawler names its tables after the folders it finds; the ${tablePrefix} prefix keeps it to its own tables, off orders_cdc.`,
    );
    acknowledge(
      `${nagArn(props.bucket)}/${TABLE_PREFIX}*`,
      'The crawler reads every object under the table prefix (its files are named by Firehose); nothing else in the bucket.',
    );
    acknowledge(
      `${nagArnPrefix(this, 'logs')}log-group:/aws-glue/crawlers:*`,
      "Glue writes crawler logs to its fixed log group /aws-glue/crawlers, one stream per crawler run; the grant is that group's streams only.",
    );
    this.crawler = new CfnCrawler(this, 'Crawler', {
      name: `${databaseName}-crawler`,
      description:
        'Tutorial parity: infers a table from the lake; the explicit orders_cdc table is authoritative',
      role: role.roleArn,
      databaseName,
      tablePrefix,
      targets: { s3Targets: [{ path: `s3://${props.bucket.bucketName}/${TABLE_PREFIX}` }] },
      schemaChangePolicy: { updateBehavior: 'UPDATE_IN_DATABASE', deleteBehavior: 'LOG' },
    });
    this.crawler.node.addDependency(role);
    Validations.of(this.crawler).acknowledge({
      id: 'AwsSolutions-GL1',
      reason:
        'Optional tutorial-parity crawler, off by default; its logs hold table and partition names only (no order data), and CloudWatch Logs encrypts them at rest with service-managed keys.',
    });
  }
}
