import {
  type _Record,
  type AttributeValue,
  DescribeStreamCommand,
  type DescribeStreamCommandOutput,
  DynamoDBStreamsServiceException,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandOutput,
  LimitExceededException,
  type OperationType,
  ResourceNotFoundException,
  type Shard,
  type ShardIteratorType,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';

export const SCRIPTED_STREAM_ARN =
  'arn:aws:dynamodb:us-east-1:123456789012:table/OrdersRawTable/stream/2026-11-22T00:00:00.000';

/** One change to put on a shard; the stream gives it its eventID and SequenceNumber. */
export interface ScriptedChange {
  readonly orderid: string;
  /** @default 'INSERT' */
  readonly eventName?: OperationType;
  /** @default `{orderid, quantity: 1}` for INSERT and MODIFY; none for REMOVE (as DynamoDB sends it) */
  readonly newImage?: Record<string, AttributeValue>;
  /** @default none for INSERT; `{orderid, quantity: 1}` for MODIFY and REMOVE */
  readonly oldImage?: Record<string, AttributeValue>;
}

/** Every API call and script step, in the order they happened: tests assert lineage order on it. */
export type ScriptedCall =
  | { readonly op: 'DescribeStream'; readonly exclusiveStartShardId: string | undefined }
  | {
      readonly op: 'GetShardIterator';
      readonly shardId: string;
      readonly iteratorType: ShardIteratorType | undefined;
      readonly sequenceNumber: string | undefined;
      /** The exception's name when the call failed. */
      readonly error?: string;
    }
  | {
      readonly op: 'GetRecords';
      readonly shardId: string;
      /** Index in the shard of the first record asked for. */
      readonly from: number;
      readonly count: number;
      /** The shard is closed and this call read its last record: no next iterator. */
      readonly ended: boolean;
      readonly error?: string;
    }
  | { readonly op: 'script'; readonly action: string; readonly shardId?: string };

interface ScriptedShard {
  readonly shardId: string;
  readonly parentShardId: string | undefined;
  readonly startingSequenceNumber: string;
  /** Set once closed: no record is added after it. */
  endingSequenceNumber: string | undefined;
  /** Every record ever appended; those below `trimmedBefore` are gone from the stream. */
  readonly records: _Record[];
  trimmedBefore: number;
  /** Calls still to fail with a spurious TrimmedDataAccessException (DynamoDB Local does this). */
  spuriousTrims: number;
}

/** What an iterator string encodes: where it points, and when it was issued (for expiry). */
interface IteratorState {
  readonly shardId: string;
  readonly index: number;
  readonly serial: number;
}

const ITERATOR_PREFIX = 'scripted-iterator:';

/**
 * An in-memory DynamoDB Streams API for the lineage cases DynamoDB Local never produces: shards that split,
 * close while read or appear later, iterators that expire, data trimmed for good or spuriously. Usable as the
 * pipe's `streams` client: answers DescribeStream (a few shards per page, so paging is exercised),
 * GetShardIterator and GetRecords with the SDK's shapes and exceptions. Logs every call in `calls`.
 */
export class ScriptedStreams {
  readonly calls: ScriptedCall[] = [];
  private readonly shards = new Map<string, ScriptedShard>();
  private readonly listeners = new Set<(call: ScriptedCall) => void>();
  /** Sequence numbers rise across the whole stream, with gaps, 21 digits like DynamoDB's. */
  private lastSequence = 10n ** 20n;
  private iteratorsIssued = 0;
  private expiredBelowSerial = 0;

  constructor(
    readonly streamArn = SCRIPTED_STREAM_ARN,
    /** Shards per DescribeStream page (AWS uses up to 100). */
    private readonly pageSize = 2,
  ) {}

  /** A new open shard. A child's parent, if still in the stream, must be closed first (as a split does). */
  addShard(shardId: string, options: { parent?: string } = {}): this {
    if (this.shards.has(shardId)) throw new Error(`shard ${shardId} exists already`);
    const parent = options.parent === undefined ? undefined : this.shards.get(options.parent);
    if (parent && parent.endingSequenceNumber === undefined)
      throw new Error(`close ${options.parent} before adding its child ${shardId}`);
    this.shards.set(shardId, {
      shardId,
      parentShardId: options.parent,
      startingSequenceNumber: String(this.lastSequence + 1n),
      endingSequenceNumber: undefined,
      records: [],
      trimmedBefore: 0,
      spuriousTrims: 0,
    });
    this.log({ op: 'script', action: 'addShard', shardId });
    return this;
  }

  /**
   * Appends changes to an open shard: a count makes that many INSERTs of orders `<shardId>-order-<n>`.
   * Returns the records as GetRecords will return them (eventID `<shardId>/<n>`, n counting from 0).
   */
  append(shardId: string, changes: number | readonly ScriptedChange[]): _Record[] {
    const shard = this.shard(shardId);
    if (shard.endingSequenceNumber !== undefined) throw new Error(`shard ${shardId} is closed`);
    const list =
      typeof changes === 'number'
        ? Array.from({ length: changes }, (_, i) => ({
            orderid: `${shardId}-order-${shard.records.length + i}`,
          }))
        : changes;
    const added = list.map((change) => {
      const record = this.toRecord(shard, change);
      shard.records.push(record); // before the next one: eventIDs count the shard's records
      return record;
    });
    this.log({ op: 'script', action: `append ${added.length}`, shardId });
    return added.map((record) => structuredClone(record));
  }

  /** Closes a shard (a rollover or split): once read to its end, GetRecords gives no next iterator. */
  closeShard(shardId: string): void {
    const shard = this.shard(shardId);
    shard.endingSequenceNumber =
      shard.records.at(-1)?.dynamodb?.SequenceNumber ?? shard.startingSequenceNumber;
    this.log({ op: 'script', action: 'closeShard', shardId });
  }

  /** Every iterator issued so far expires (as after 15 minutes); iterators issued later work. */
  expireIteratorsOnce(): void {
    this.expiredBelowSerial = this.iteratorsIssued;
    this.log({ op: 'script', action: 'expireIteratorsOnce' });
  }

  /** The next `count` GetShardIterator or GetRecords calls on the shard fail with a spurious trim error. */
  trimOnce(shardId: string, count: number): void {
    this.shard(shardId).spuriousTrims += count;
    this.log({ op: 'script', action: `trimOnce ${count}`, shardId });
  }

  /** The shard's records before `sequenceNumber` are gone for good (past the stream's 24 h retention). */
  trimBefore(shardId: string, sequenceNumber: string): void {
    const shard = this.shard(shardId);
    const index = shard.records.findIndex((record) => record.dynamodb?.SequenceNumber === sequenceNumber);
    if (index < 0) throw new Error(`no record ${sequenceNumber} in ${shardId}`);
    shard.trimmedBefore = Math.max(shard.trimmedBefore, index);
    this.log({ op: 'script', action: `trimBefore ${sequenceNumber}`, shardId });
  }

  /** Every record appended to the shard, trimmed ones included. */
  records(shardId: string): readonly _Record[] {
    return this.shard(shardId).records;
  }

  /**
   * Calls `listener` synchronously with each call as it is logged: after its answer is decided (so what the
   * listener scripts, even `expireIteratorsOnce`, takes effect from the next call on), before it is returned.
   * Returns an unsubscribe function.
   */
  onCall(listener: (call: ScriptedCall) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The DynamoDBStreamsClient's `send` for the three read calls a stream consumer makes. The answer is
   * computed when the call is made (as if the network were instant), so `calls` is in true order.
   */
  async send(command: unknown): Promise<unknown> {
    if (command instanceof DescribeStreamCommand) return this.describeStream(command.input);
    if (command instanceof GetShardIteratorCommand) return this.getShardIterator(command.input);
    if (command instanceof GetRecordsCommand) return this.getRecords(command.input);
    throw new Error(`ScriptedStreams does not answer ${command?.constructor?.name ?? String(command)}`);
  }

  private describeStream(input: DescribeStreamCommand['input']): DescribeStreamCommandOutput {
    this.checkArn(input.StreamArn);
    this.log({ op: 'DescribeStream', exclusiveStartShardId: input.ExclusiveStartShardId });
    const ids = [...this.shards.keys()];
    let from = 0;
    if (input.ExclusiveStartShardId !== undefined) {
      from = ids.indexOf(input.ExclusiveStartShardId) + 1;
      if (from === 0) throw notFound(`no shard ${input.ExclusiveStartShardId}`);
    }
    const pageSize = Math.min(input.Limit ?? this.pageSize, this.pageSize);
    const page = ids.slice(from, from + pageSize);
    return {
      $metadata: {},
      StreamDescription: {
        StreamArn: this.streamArn,
        StreamLabel: this.streamArn.split('/stream/')[1],
        StreamStatus: 'ENABLED',
        StreamViewType: 'NEW_AND_OLD_IMAGES',
        TableName: 'OrdersRawTable',
        KeySchema: [{ AttributeName: 'orderid', KeyType: 'HASH' }],
        Shards: page.map((shardId) => this.describeShard(this.shard(shardId))),
        LastEvaluatedShardId: from + pageSize < ids.length ? page.at(-1) : undefined,
      },
    };
  }

  private describeShard(shard: ScriptedShard): Shard {
    return {
      ShardId: shard.shardId,
      ...(shard.parentShardId !== undefined && { ParentShardId: shard.parentShardId }),
      SequenceNumberRange: {
        StartingSequenceNumber: shard.startingSequenceNumber,
        ...(shard.endingSequenceNumber !== undefined && { EndingSequenceNumber: shard.endingSequenceNumber }),
      },
    };
  }

  private getShardIterator(input: GetShardIteratorCommand['input']): GetShardIteratorCommandOutput {
    this.checkArn(input.StreamArn);
    const shardId = input.ShardId ?? '';
    const call = {
      op: 'GetShardIterator' as const,
      shardId,
      iteratorType: input.ShardIteratorType,
      sequenceNumber: input.SequenceNumber,
    };
    try {
      const shard = this.shard(shardId);
      this.spuriousTrim(shard);
      const index = this.startIndex(shard, input.ShardIteratorType, input.SequenceNumber);
      const answer = { $metadata: {}, ShardIterator: this.issueIterator(shardId, index) };
      this.log(call);
      return answer;
    } catch (error) {
      this.log({ ...call, error: (error as Error).name });
      throw error;
    }
  }

  /** Where an iterator of the given type starts, as an index into the shard's records. */
  private startIndex(
    shard: ScriptedShard,
    type: ShardIteratorType | undefined,
    sequenceNumber: string | undefined,
  ): number {
    if (type === 'TRIM_HORIZON') return shard.trimmedBefore;
    if (type === 'LATEST') return shard.records.length;
    if (type !== 'AT_SEQUENCE_NUMBER' && type !== 'AFTER_SEQUENCE_NUMBER')
      throw validation(`ShardIteratorType ${type} is not valid`);
    // A sequence number from another shard means the reader lost track of lineage: fail loudly.
    const at = shard.records.findIndex((record) => record.dynamodb?.SequenceNumber === sequenceNumber);
    if (at < 0) throw validation(`Sequence number ${sequenceNumber} is not in shard ${shard.shardId}`);
    const index = type === 'AT_SEQUENCE_NUMBER' ? at : at + 1;
    if (index < shard.trimmedBefore)
      throw trimmed(`Sequence number ${sequenceNumber} is older than the trim horizon of ${shard.shardId}`);
    return index;
  }

  private getRecords(input: GetRecordsCommand['input']): GetRecordsCommandOutput {
    const iterator = this.decodeIterator(input.ShardIterator);
    const limit = input.Limit ?? 1000;
    if (limit > 1000) throw new LimitExceededException({ message: 'Limit is above 1000', $metadata: {} });
    if (limit < 1) throw validation(`Limit ${limit} is below 1`);
    const call = { op: 'GetRecords' as const, shardId: iterator.shardId, from: iterator.index };
    try {
      if (iterator.serial < this.expiredBelowSerial)
        throw new ExpiredIteratorException({ message: 'Iterator expired', $metadata: {} });
      const shard = this.shard(iterator.shardId);
      this.spuriousTrim(shard);
      if (iterator.index < shard.trimmedBefore)
        throw trimmed(`The iterator points before the trim horizon of ${shard.shardId}`);
      const records = shard.records.slice(iterator.index, iterator.index + limit);
      const next = iterator.index + records.length;
      const ended = shard.endingSequenceNumber !== undefined && next >= shard.records.length;
      const answer = {
        $metadata: {},
        Records: records.map((record) => structuredClone(record)),
        NextShardIterator: ended ? undefined : this.issueIterator(iterator.shardId, next),
      };
      this.log({ ...call, count: records.length, ended });
      return answer;
    } catch (error) {
      this.log({ ...call, count: 0, ended: false, error: (error as Error).name });
      throw error;
    }
  }

  private toRecord(shard: ScriptedShard, change: ScriptedChange): _Record {
    this.lastSequence += 100n;
    const eventName = change.eventName ?? 'INSERT';
    const orderid = { S: change.orderid };
    const defaultImage = { orderid, quantity: { N: '1' } };
    const newImage = change.newImage ?? (eventName === 'REMOVE' ? undefined : defaultImage);
    const oldImage = change.oldImage ?? (eventName === 'INSERT' ? undefined : defaultImage);
    const created = Math.floor(Date.now() / 1000) * 1000; // DynamoDB rounds down to the second
    return {
      eventID: `${shard.shardId}/${shard.records.length}`,
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: new Date(created),
        Keys: { orderid },
        ...(newImage && { NewImage: newImage }),
        ...(oldImage && { OldImage: oldImage }),
        SequenceNumber: String(this.lastSequence),
        SizeBytes: JSON.stringify({ orderid, newImage, oldImage }).length,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };
  }

  private issueIterator(shardId: string, index: number): string {
    const state: IteratorState = { shardId, index, serial: this.iteratorsIssued++ };
    return ITERATOR_PREFIX + Buffer.from(JSON.stringify(state)).toString('base64url');
  }

  private decodeIterator(iterator: string | undefined): IteratorState {
    if (!iterator?.startsWith(ITERATOR_PREFIX)) throw validation(`Invalid ShardIterator ${iterator}`);
    const json = Buffer.from(iterator.slice(ITERATOR_PREFIX.length), 'base64url').toString('utf8');
    return JSON.parse(json) as IteratorState;
  }

  private spuriousTrim(shard: ScriptedShard): void {
    if (shard.spuriousTrims === 0) return;
    shard.spuriousTrims--;
    throw trimmed(`Spurious trim error on ${shard.shardId}`);
  }

  private checkArn(streamArn: string | undefined): void {
    if (streamArn !== this.streamArn) throw notFound(`Requested resource not found: Stream ${streamArn}`);
  }

  private shard(shardId: string): ScriptedShard {
    const shard = this.shards.get(shardId);
    if (!shard) throw notFound(`Requested resource not found: Shard ${shardId}`);
    return shard;
  }

  private log(call: ScriptedCall): void {
    this.calls.push(call);
    for (const listener of this.listeners) listener(call);
  }
}

function trimmed(message: string): TrimmedDataAccessException {
  return new TrimmedDataAccessException({ message, $metadata: {} });
}

function notFound(message: string): ResourceNotFoundException {
  return new ResourceNotFoundException({ message, $metadata: {} });
}

/** The service's 400 for a malformed request; the SDK has no class of its own for it. */
function validation(message: string): DynamoDBStreamsServiceException {
  return new DynamoDBStreamsServiceException({
    name: 'ValidationException',
    $fault: 'client',
    message,
    $metadata: { httpStatusCode: 400 },
  });
}
