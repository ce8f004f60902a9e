import { END_OF_INPUT } from './byte-scanner.ts';
import { ByteWriter } from './byte-writer.ts';
import { utcDate } from './iso-time-writer.ts';
import { writeOrdersCdcLine } from './orders-cdc-line-writer.ts';
import { okResult, type RecordOutcome } from './record-outcome.ts';
import { ScannedChangeEvent } from './scanned-change-event.ts';
import { scanStreamRecord } from './stream-record-scanner.ts';
import { decodeStrictBase64 } from './strict-base64.ts';

/** The record's bytes, the changed image's `image_json`, and the row's line: reused for every record. */
const input = new ByteWriter(16 * 1024);
const image = new ByteWriter(16 * 1024);
const line = new ByteWriter(16 * 1024);
const event = new ScannedChangeEvent();

/**
 * The transform's hot path for one Firehose record: decodes its base64 into a reused buffer, reads the stream
 * record from the bytes in one pass (stream-record-scanner.ts), writes the row's line into another reused
 * buffer (orders-cdc-line-writer.ts) and makes one base64 string of it. A common record thus costs about what
 * decoding and JSON.parse-ing it alone would, and leaves little garbage (atob's text, the result's string and
 * objects).
 *
 * It only handles the common shape and returns undefined for anything else (stream-record-scanner.ts lists
 * what), and for anything the reference path would fail; the caller then runs the reference path
 * (`transform-record.ts#plainTransformRecord`), which decides. For every record it answers, its outcome is the
 * reference path's to the byte: `stream-record-scanner.property.test.ts` checks that differentially.
 */
export function fastTransformRecord(recordId: string, data: unknown): RecordOutcome | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    if (!decodeStrictBase64(data, input)) return undefined;
    const size = input.length;
    input.reserve(1);
    input.byte(END_OF_INPUT);
    if (!scanStreamRecord(input.bytes, size, event, image)) return undefined;
    const unrepresentable = writeOrdersCdcLine(line, input.bytes, event, image);
    if (line.overflowed()) return undefined;
    // The line is ASCII (the scanner takes nothing else), so its base64 is that of its UTF-8.
    const result = okResult(recordId, line.bytes.toString('base64', 0, line.length), utcDate(event.timeMs));
    return { result, unrepresentable };
  } catch {
    // Beyond the call stack in a deeply nested item, say: the reference path decides that record too.
    return undefined;
  }
}
