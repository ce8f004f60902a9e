import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';

export interface ChangeStreamProps {
  /** The Kinesis stream name (the local twin's default is `kinesis-sales-order`). */
  readonly streamName: string;
  /**
   * How long records stay readable: how long Firehose may fall behind (or be re-created and replayed) without
   * losing changes.
   * @default Duration.hours(24), Kinesis' own default and the cheapest
   */
  readonly retentionPeriod?: Duration;
  /**
   * What `cdk destroy` does with the stream.
   * @default RemovalPolicy.DESTROY: it is a 24 h buffer, not data of record (the table is), and a retained
   * stream keeps billing its hourly charge and blocks a redeploy under the same name
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The replayable log between capture and delivery: on-demand (no shards to size; it scales with the table's
 * write rate), encrypted with the AWS-managed `aws/kinesis` key. That key needs no KMS grants for the pipe or
 * Firehose and costs nothing, which is why cdk-nag's KDS3 prefers it to a customer-managed key.
 */
export class ChangeStream extends Construct {
  readonly stream: Stream;

  constructor(scope: Construct, id: string, props: ChangeStreamProps) {
    super(scope, id);
    this.stream = new Stream(this, 'Stream', {
      streamName: props.streamName,
      streamMode: StreamMode.ON_DEMAND,
      encryption: StreamEncryption.MANAGED,
      retentionPeriod: props.retentionPeriod ?? Duration.hours(24),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
  }
}
