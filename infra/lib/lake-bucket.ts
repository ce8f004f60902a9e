import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ERRORS_PREFIX, SOURCE_BACKUP_PREFIX } from './lake-layout.ts';

/** What every bucket of the stack shares: no public access, no ACLs, TLS 1.2+ only. */
export const secureBucketDefaults = {
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
} as const;

export interface LakeBucketProps {
  /**
   * Failed records (`errors/…`, raw bytes kept) are deleted this long after they land: long enough to
   * notice the alarm, read the reason and replay them.
   * @default Duration.days(90)
   */
  readonly errorRetention?: Duration;
  /**
   * The source backup (`source-backup/…`, with `-c sourceBackup=true`) is deleted this long after it lands:
   * long enough to notice a transform bug that wrote wrong rows and rebuild them from the raw changes.
   * @default Duration.days(30)
   */
  readonly sourceBackupRetention?: Duration;
  /**
   * Overwritten or deleted objects stay recoverable this long (the bucket is versioned).
   * @default Duration.days(30)
   */
  readonly noncurrentVersionRetention?: Duration;
  /** @default Duration.days(90) */
  readonly accessLogRetention?: Duration;
  /** @default RemovalPolicy.RETAIN: the lake is data; `cdk destroy` leaves it (see infra/README.md) */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The lake: Firehose writes `orders_cdc/dt=YYYY-MM-DD/…parquet` and `errors/…` (and `source-backup/…` when
 * asked), Athena reads them. Public
 * access blocked, SSE-S3 encryption, TLS 1.2+ required by bucket policy, versioned, ACLs disabled. Server
 * access logs go to a second bucket, `accessLogs`, shared with the Athena results bucket.
 */
export class LakeBucket extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: LakeBucketProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...secureBucketDefaults,
      // S3 server access logging delivers only to buckets encrypted with SSE-S3.
      encryption: BucketEncryption.S3_MANAGED,
      lifecycleRules: [{ expiration: props.accessLogRetention ?? Duration.days(90) }],
      removalPolicy,
    });
    this.bucket = new Bucket(this, 'Bucket', {
      ...secureBucketDefaults,
      encryption: BucketEncryption.S3_MANAGED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'lake/',
      lifecycleRules: [
        {
          id: 'expire-failed-records',
          prefix: ERRORS_PREFIX,
          expiration: props.errorRetention ?? Duration.days(90),
        },
        {
          id: 'expire-source-backup',
          prefix: SOURCE_BACKUP_PREFIX,
          expiration: props.sourceBackupRetention ?? Duration.days(30),
        },
        {
          id: 'tidy-versions-and-uploads',
          noncurrentVersionExpiration: props.noncurrentVersionRetention ?? Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy,
    });
  }
}
