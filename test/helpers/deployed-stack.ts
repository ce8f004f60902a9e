import type { DeployedStack } from '../../src/dashboard/aws-stack-source.ts';

/** The names a default deployment's outputs give, as the dashboard's AWS tests use them. */
export const DEPLOYED_STACK: DeployedStack = {
  stackName: 'GadgetSalesCdc',
  region: 'eu-west-1',
  workGroup: 'gadget-sales-cdc',
  database: 'gadget_sales_cdc',
  bucket: 'lake-bucket',
  pipeName: 'orders-pipe',
  streamName: 'kinesis-sales-order',
  deliveryStreamName: 'orders-cdc',
  transformFunctionName: 'orders-cdc-transform',
};
