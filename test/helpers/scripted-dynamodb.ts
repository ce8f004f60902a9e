import {
  type AttributeValue,
  BatchGetItemCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDbReadApi } from '../../src/aws/table-scan.ts';
import type { DynamoDbMarkerApi } from '../../src/observe/heartbeat.ts';

type Item = Record<string, AttributeValue>;
export type DynamoDbOperation = 'Scan' | 'BatchGetItem' | 'DescribeTable' | 'PutItem' | 'DeleteItem';

/**
 * An in-memory DynamoDB table keyed by `orderid` for the calls the check and the heartbeat make: Scan (parallel
 * segments, pages of `pageSize` items, ConsumedCapacity of `unitsPerPage`), BatchGetItem (at most
 * `batchServed` keys served per call, the rest returned unprocessed, as a throttled table does), DescribeTable,
 * PutItem and DeleteItem. `failNext` makes a call throw first; `beforeNext` runs a hook before one.
 */
export class ScriptedDynamoDb {
  readonly items = new Map<string, Item>();
  readonly calls: { op: DynamoDbOperation; input: Record<string, unknown> }[] = [];
  private readonly failures: { op: DynamoDbOperation; error: Error }[] = [];
  private readonly hooks: { op: DynamoDbOperation; run: () => void }[] = [];
  /** Called with each item a PutItem wrote. */
  onPut: ((item: Item) => void) | undefined;

  constructor(
    readonly tableName = 'orders',
    private readonly settings: { pageSize?: number; unitsPerPage?: number; batchServed?: number } = {},
  ) {}

  readonly client = {
    send: (command: object) => this.answer(command),
  } as unknown as DynamoDbReadApi & DynamoDbMarkerApi;

  put(...items: Item[]): this {
    for (const item of items) this.items.set(item.orderid?.S ?? '', item);
    return this;
  }

  failNext(op: DynamoDbOperation, ...errors: Error[]): this {
    for (const error of errors) this.failures.push({ op, error });
    return this;
  }

  beforeNext(op: DynamoDbOperation, run: () => void): this {
    this.hooks.push({ op, run });
    return this;
  }

  count(op: DynamoDbOperation): number {
    return this.calls.filter((call) => call.op === op).length;
  }

  private async answer(command: object): Promise<object> {
    const op = operationOf(command);
    const input = (command as { input: Record<string, unknown> }).input;
    this.calls.push({ op, input: structuredClone(input) });
    const hook = this.hooks.findIndex((h) => h.op === op);
    if (hook >= 0) this.hooks.splice(hook, 1)[0]?.run();
    const failure = this.failures.findIndex((f) => f.op === op);
    if (failure >= 0) throw this.failures.splice(failure, 1)[0]?.error;
    if (input.TableName !== undefined && input.TableName !== this.tableName) throw notFound(input.TableName);
    if (command instanceof DescribeTableCommand) return { Table: { ItemCount: this.items.size } };
    if (command instanceof ScanCommand) return this.scan(command.input);
    if (command instanceof BatchGetItemCommand) return this.batchGet(command.input);
    if (command instanceof PutItemCommand) {
      this.put(command.input.Item as Item);
      this.onPut?.(command.input.Item as Item);
      return {};
    }
    if (command instanceof DeleteItemCommand) {
      this.items.delete(command.input.Key?.orderid?.S ?? '');
      return {};
    }
    throw new Error(`ScriptedDynamoDb: unexpected command ${command.constructor.name}`);
  }

  /** Keys in sorted order; segment s holds every key whose position is s modulo TotalSegments. */
  private scan(input: ScanCommand['input']) {
    const { pageSize = 2, unitsPerPage = 1 } = this.settings;
    const total = input.TotalSegments ?? 1;
    const keys = [...this.items.keys()].sort().filter((_, i) => i % total === (input.Segment ?? 0));
    const after = input.ExclusiveStartKey?.orderid?.S;
    const from = after === undefined ? 0 : keys.findIndex((key) => key > after);
    const page = from < 0 ? [] : keys.slice(from, from + pageSize);
    const last = page.at(-1);
    const more = from >= 0 && from + pageSize < keys.length;
    return {
      Items: page.map((key) => structuredClone(this.items.get(key))),
      ...(more && last !== undefined && { LastEvaluatedKey: { orderid: { S: last } } }),
      ConsumedCapacity: { TableName: this.tableName, CapacityUnits: unitsPerPage },
    };
  }

  private batchGet(input: BatchGetItemCommand['input']) {
    const request = input.RequestItems?.[this.tableName];
    const keys = request?.Keys ?? [];
    if (keys.length > 100) throw new Error(`BatchGetItem with ${keys.length} keys: at most 100`);
    const served = keys.slice(0, this.settings.batchServed ?? 100);
    const rest = keys.slice(served.length);
    return {
      Responses: {
        [this.tableName]: served.flatMap((key) => {
          const item = this.items.get(key.orderid?.S ?? '');
          return item ? [structuredClone(item)] : [];
        }),
      },
      UnprocessedKeys: rest.length > 0 ? { [this.tableName]: { Keys: rest } } : {},
    };
  }
}

function operationOf(command: object): DynamoDbOperation {
  const name = command.constructor.name.replace(/Command$/, '');
  if (!['Scan', 'BatchGetItem', 'DescribeTable', 'PutItem', 'DeleteItem'].includes(name))
    throw new Error(`ScriptedDynamoDb: unexpected command ${command.constructor.name}`);
  return name as DynamoDbOperation;
}

function notFound(table: unknown): Error {
  return Object.assign(new Error(`Requested resource not found: Table: ${String(table)} not found`), {
    name: 'ResourceNotFoundException',
    $metadata: { httpStatusCode: 400 },
  });
}

/** An error as the SDK raises it for DynamoDB throttling. */
export function throttled(): Error {
  return Object.assign(
    new Error('The level of configured provisioned throughput for the table was exceeded.'),
    {
      name: 'ProvisionedThroughputExceededException',
      $metadata: { httpStatusCode: 400 },
    },
  );
}
