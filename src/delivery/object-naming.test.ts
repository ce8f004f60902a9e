import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors/pipeline-error.ts';
import { objectKey } from '../lake/object-name.ts';
import { errorRecordLine } from './error-record.ts';
import { compilePrefix, MissingPartitionKeyError } from './s3-prefix.ts';

const ARRIVAL = Date.UTC(2026, 10, 22, 7, 5, 9, 123); // 2026-11-22T07:05:09.123Z

describe('compilePrefix', () => {
  it('evaluates the lake prefix with the transform’s dt partition key', () => {
    const prefix = compilePrefix('orders_cdc/dt=!{partitionKeyFromLambda:dt}/', 'data');
    expect(prefix.partitionKeys).toEqual(['dt']);
    expect(prefix.evaluate({ arrivalMs: ARRIVAL, partitionKeys: { dt: '2026-11-21' } })).toBe(
      'orders_cdc/dt=2026-11-21/',
    );
  });

  it('evaluates the error prefix: error type and the arrival hour in UTC', () => {
    const prefix = compilePrefix('errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/', 'error');
    expect(prefix.evaluate({ arrivalMs: ARRIVAL, errorOutputType: 'processing-failed' })).toBe(
      'errors/processing-failed/2026/11/22/07/',
    );
  });

  it('uses Firehose’s default yyyy/MM/dd/HH/ when empty, the same instant for every timestamp, quoted text', () => {
    expect(compilePrefix('', 'data').evaluate({ arrivalMs: ARRIVAL })).toBe('2026/11/22/07/');
    expect(
      compilePrefix("d=!{timestamp:yyyy-MM-dd}/t=!{timestamp:HH'h'mm'm'ss}/", 'data').evaluate({
        arrivalMs: ARRIVAL,
      }),
    ).toBe('d=2026-11-22/t=07h05m09/');
  });

  it('gives 11 random characters per evaluation for !{firehose:random-string}', () => {
    const prefix = compilePrefix('x/!{firehose:random-string}/', 'data');
    const a = prefix.evaluate({ arrivalMs: ARRIVAL });
    expect(a).toMatch(/^x\/[a-z0-9]{11}\/$/);
    expect(prefix.evaluate({ arrivalMs: ARRIVAL })).not.toBe(a);
  });

  it('fails a record whose partition key the transform did not return', () => {
    const prefix = compilePrefix('dt=!{partitionKeyFromLambda:dt}/', 'data');
    expect(() => prefix.evaluate({ arrivalMs: ARRIVAL, partitionKeys: {} })).toThrow(
      MissingPartitionKeyError,
    );
  });

  it.each([
    [
      'x/!{timestamp:yyyy-QQ}/',
      'data',
      /"QQ" in timestamp pattern "yyyy-QQ" is not one of yyyy, MM, dd, HH, mm, ss/,
    ],
    ['x/!{partitionKeyFromQuery:dt}/', 'data', /!\{partitionKeyFromQuery:dt\} is not one of/],
    ['x/!{firehose:error-output-type}/', 'data', /may only appear in the error prefix/],
    ['errors/!{timestamp:yyyy}/', 'error', /an error prefix must contain !\{firehose:error-output-type\}/],
    ['x/!{timestamp:yyyy/', 'data', /unfinished !\{…\} expression/],
  ] as const)('refuses %s with the reason', (template, use, reason) => {
    expect(() => compilePrefix(template, use)).toThrow(InvalidOptionError);
    expect(() => compilePrefix(template, use)).toThrow(reason);
  });
});

describe('objectKey', () => {
  it('names objects as Firehose does, from the oldest record’s arrival', () => {
    expect(
      objectKey({
        prefix: 'orders_cdc/dt=2026-11-22/',
        deliveryStream: 'orders-cdc',
        version: 1,
        oldestArrivalMs: ARRIVAL,
        extension: '.parquet',
        uuid: '0b5a3f3c-7f7e-4d1e-9a43-2f3f0c7c9b1e',
      }),
    ).toBe(
      'orders_cdc/dt=2026-11-22/orders-cdc-1-2026-11-22-07-05-09-0b5a3f3c-7f7e-4d1e-9a43-2f3f0c7c9b1e.parquet',
    );
    expect(
      objectKey({ prefix: '', deliveryStream: 's', version: 3, oldestArrivalMs: ARRIVAL, extension: '' }),
    ).toMatch(/^s-3-2026-11-22-07-05-09-[0-9a-f-]{36}$/);
  });
});

describe('errorRecordLine', () => {
  it('writes Firehose’s error envelope as one JSON line, numbers as numbers', () => {
    const line = errorRecordLine({
      attemptsMade: 1,
      arrivalTimestamp: ARRIVAL,
      errorCode: 'Lambda.ProcessingFailedStatus',
      errorMessage: 'data is not JSON',
      attemptEndingTimestamp: ARRIVAL + 40,
      rawData: 'eyJiYWQi',
      lambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders-cdc-transform',
    });
    expect(line.endsWith('\n')).toBe(true);
    expect(Object.keys(JSON.parse(line))).toEqual([
      'attemptsMade',
      'arrivalTimestamp',
      'errorCode',
      'errorMessage',
      'attemptEndingTimestamp',
      'rawData',
      'lambdaArn',
    ]);
    expect(JSON.parse(line)).toMatchObject({ arrivalTimestamp: ARRIVAL, rawData: 'eyJiYWQi' });
  });
});
