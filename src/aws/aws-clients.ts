import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type AwsConnection, AwsConnectionSchema, LOCAL_CREDENTIALS } from './aws-connection.ts';

export interface AwsClients {
  readonly dynamodb: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly kinesis: KinesisClient;
  /** Closes every client's sockets. */
  destroy(): void;
}

/**
 * The one place SDK clients are built. Local and AWS runs differ only in the connection: the same code
 * talks to DynamoDB Local and kinesalite when `endpoint`s are given, and to AWS otherwise.
 * Kinesis always gets the HTTP/1.1 handler: kinesalite fails the SDK's default HTTP/2 with "Protocol error".
 */
export function createAwsClients(
  dynamodbConnection: Partial<AwsConnection>,
  kinesisConnection: Partial<AwsConnection> = dynamodbConnection,
): AwsClients {
  const ddb = clientConfig(dynamodbConnection);
  const kinesis = clientConfig(kinesisConnection);
  const clients = {
    dynamodb: new DynamoDBClient(ddb),
    streams: new DynamoDBStreamsClient(ddb),
    kinesis: new KinesisClient({ ...kinesis, requestHandler: new NodeHttpHandler() }),
  };
  return {
    ...clients,
    destroy() {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

function clientConfig(input: Partial<AwsConnection>) {
  const connection = AwsConnectionSchema.parse(input);
  const credentials = connection.credentials ?? (connection.endpoint ? LOCAL_CREDENTIALS : undefined);
  return {
    region: connection.region,
    maxAttempts: connection.maxAttempts,
    ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  };
}
