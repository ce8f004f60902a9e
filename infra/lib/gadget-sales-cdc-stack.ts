import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  type OptionalStackOutput,
  STACK_OUTPUT_KEYS,
  type StackOutputName,
} from '../../src/aws/stack-output-keys.ts';
import { CURRENT_STATE_TABLE_NAME, ERRORS_PREFIX, partitionPrefix } from '../../src/catalog/lake-layout.ts';
import { AlarmTopic } from './alarm-topic.ts';
import { AthenaWorkGroup } from './athena-workgroup.ts';
import { CapturePipe } from './capture-pipe.ts';
import { ChangeStream } from './change-stream.ts';
import { CurrentStateAlarms } from './current-state-alarms.ts';
import { CurrentStateDelivery } from './current-state-delivery.ts';
import { CurrentStateTable } from './current-state-table.ts';
import { LakeBucket } from './lake-bucket.ts';
import { LakeDelivery } from './lake-delivery.ts';
import { OrdersCatalog } from './orders-catalog.ts';
import { OrdersCrawler } from './orders-crawler.ts';
import { OrdersTable } from './orders-table.ts';
import { PipelineAlarms } from './pipeline-alarms.ts';
import { assertPipesAvailable } from './pipes-regions.ts';
import { ProofAlarms } from './proof-alarms.ts';
import { ProofFunction } from './proof-function.ts';
import { proofScheduleMinutes, type StackConfig } from './stack-config.ts';
import { TransformFunction } from './transform-function.ts';

export interface GadgetSalesCdcStackProps extends StackProps {
  /** Names and options (`infra/lib/stack-config.ts`; CDK context in `infra/bin/app.ts`). */
  readonly config: StackConfig;
}

/**
 * The whole pipeline on AWS, one construct per stage in the order data flows:
 * table → pipe → Kinesis → Firehose (+ transform Lambda) → lake bucket → Glue table → Athena, plus alarms and
 * the topic they notify. Its outputs (keys in `src/aws/stack-output-keys.ts`) are how `gadget-cdc … --target
 * aws` finds it. A region without EventBridge Pipes is refused here, when the stack's region is known.
 */
export class GadgetSalesCdcStack extends Stack {
  constructor(scope: Construct, id: string, props: GadgetSalesCdcStackProps) {
    super(scope, id, {
      description:
        'gadget-sales-cdc: DynamoDB → Pipes → Kinesis → Firehose (Lambda) → S3 Parquet → Glue/Athena',
      ...props,
    });
    const { config } = props;
    assertPipesAvailable(this.region);
    Validations.of(this).acknowledge({
      id: 'CloudFormation-Validate::W7001',
      reason:
        'The Firehose L2 always adds its per-region CIDR-block mapping, used only by destinations in a VPC (Redshift, OpenSearch); an S3 destination never references it.',
    });

    const orders = new OrdersTable(this, 'Orders', { tableName: config.tableName });
    const changes = new ChangeStream(this, 'Changes', { streamName: config.streamName });
    const capture = new CapturePipe(this, 'Capture', {
      pipeName: `${config.deliveryStreamName}-capture`,
      sourceStreamArn: orders.streamArn,
      target: changes.stream,
    });
    const lake = new LakeBucket(this, 'Lake');
    const catalog = new OrdersCatalog(this, 'Catalog', {
      databaseName: config.databaseName,
      bucket: lake.bucket,
    });
    if (config.crawler)
      new OrdersCrawler(this, 'Crawler', { database: catalog.database, bucket: lake.bucket });
    const transform = new TransformFunction(this, 'Transform', {
      functionName: `${config.deliveryStreamName}-transform`,
    });
    const delivery = new LakeDelivery(this, 'Delivery', {
      deliveryStreamName: config.deliveryStreamName,
      source: changes.stream,
      transform: transform.function,
      bucket: lake.bucket,
      table: catalog.table,
      sourceBackup: config.sourceBackup,
    });
    const athena = new AthenaWorkGroup(this, 'Athena', {
      workGroupName: config.workGroupName,
      databaseName: catalog.database.databaseName,
      accessLogs: lake.accessLogs,
      ...(config.currentState === 'iceberg' && { currentStateTable: CURRENT_STATE_TABLE_NAME }),
    });
    const alarmNamePrefix = this.stackName;
    const alarmTopic = new AlarmTopic(this, 'AlarmTopic', { alarmNamePrefix, email: config.alarmEmail });
    const alarms = new PipelineAlarms(this, 'Alarms', {
      alarmNamePrefix,
      pipeName: capture.pipeName,
      deadLetterQueue: capture.deadLetterQueue,
      deliveryStream: delivery.deliveryStream,
      transform,
      topic: alarmTopic.topic,
      sourceBackup: config.sourceBackup,
    });
    const optionalOutputs: Partial<Record<OptionalStackOutput, [string, string]>> = {};
    let currentState: CurrentStateTable | undefined;
    if (config.currentState === 'iceberg') {
      // Each order as it stands now, maintained as changes arrive (docs/current-state-on-aws.md): an Iceberg
      // table beside orders_cdc and a second delivery stream over the same Kinesis stream. Nothing else changes.
      // Here, after the alarm topic and the lake's alarms, which its own alarms need: the template without the
      // mode keeps its resources in the same order.
      currentState = new CurrentStateTable(this, 'CurrentState', {
        database: catalog.database,
        bucket: lake.bucket,
      });
      const currentStateDelivery = new CurrentStateDelivery(this, 'CurrentStateDelivery', {
        deliveryStreamName: `${config.deliveryStreamName}-state`,
        source: changes.stream,
        bucket: lake.bucket,
        table: currentState,
      });
      // Its own alarms on the lake's thresholds, to the same topic, named `<prefix>-CurrentState<symptom>`.
      new CurrentStateAlarms(this, 'CurrentStateAlarms', {
        alarmNamePrefix,
        delivery: currentStateDelivery,
        topic: alarmTopic.topic,
        ...alarms.thresholds,
      });
      optionalOutputs.currentStateTableName = [
        currentState.tableName,
        'Iceberg table of each order as it stands now: current_orders reads it (seed it once on a stack that had orders before)',
      ];
    }
    if (config.proof) {
      // The standing proof (infra/lib/proof-function.ts): on a schedule, current_orders against a full scan of the
      // table and a heartbeat timed to Athena, as metrics with alarms on the same topic. Last, so the template
      // without it keeps its resources in the same order.
      const intervalMinutes = proofScheduleMinutes(config.proofSchedule);
      if (intervalMinutes === undefined) throw new Error(`Invalid proof schedule ${config.proofSchedule}`);
      const proof = new ProofFunction(this, 'Proof', {
        functionName: `${config.deliveryStreamName}-proof`,
        schedule: config.proofSchedule,
        intervalMinutes,
        table: orders.table,
        athena,
        database: catalog.database,
        ordersCdc: catalog.table,
        lakeBucket: lake.bucket,
        currentState,
        maxFreshness: alarms.thresholds.maxDataFreshness,
      });
      new ProofAlarms(this, 'ProofAlarms', {
        alarmNamePrefix,
        proof,
        tableName: orders.table.tableName,
        intervalMinutes,
        topic: alarmTopic.topic,
      });
    }

    const outputs: Record<Exclude<StackOutputName, OptionalStackOutput>, [string, string]> = {
      tableName: [orders.table.tableName, 'DynamoDB orders table (gadget-cdc generate --target aws)'],
      streamName: [changes.stream.streamName, 'Kinesis stream of every change'],
      bucketName: [lake.bucket.bucketName, `Lake bucket: ${partitionPrefix('…')} and ${ERRORS_PREFIX}`],
      workGroupName: [athena.workGroup.ref, 'Athena workgroup (gadget-cdc query --target aws)'],
      databaseName: [catalog.database.databaseName, 'Glue database holding orders_cdc'],
      deliveryStreamName: [delivery.deliveryStream.deliveryStreamName, 'Firehose stream'],
      pipeName: [capture.pipe.ref, 'EventBridge Pipe: table stream to Kinesis'],
      transformFunctionName: [transform.function.functionName, 'Firehose transform Lambda'],
      queryResultsLocation: [athena.resultsLocation, 'Where Athena writes query results'],
      alarmTopicArn: [
        alarmTopic.topic.topicArn,
        'SNS topic of the pipeline alarms (subscribe to be notified)',
      ],
    };
    for (const [name, [value, description]] of Object.entries({ ...outputs, ...optionalOutputs })) {
      const key = STACK_OUTPUT_KEYS[name as StackOutputName];
      new CfnOutput(this, key, { key, value, description });
    }
  }
}
