import { AttributeNames } from './attribute-names.ts';
import { OrderColumnSpans } from './order-column-spans.ts';

/** The change kinds, as the fast path numbers them; 0 is any other eventName. */
export const EVENT_NAMES = ['', 'INSERT', 'MODIFY', 'REMOVE'] as const;

/**
 * What the fast path read of one stream record: everything `change-event-row.ts#changeEventRow` makes the row
 * of, as positions in the record's bytes. One instance is reused from record to record.
 */
export class ScannedChangeEvent {
  /** Index in EVENT_NAMES. */
  eventName = 0;
  /** The eventID's text: [eventIdStart, eventIdEnd). */
  eventIdStart = 0;
  eventIdEnd = 0;
  /** The sequence number's digits. */
  sequenceStart = 0;
  sequenceEnd = 0;
  /** The creation time in epoch milliseconds: a whole number from 1970 to the year 9999. */
  timeMs = 0;
  ttlDelete = false;
  /** The order columns: from the changed image, `orderid` from Keys when Keys has one. */
  readonly columns = new OrderColumnSpans();
  /** `image_json`'s text in the image writer. */
  imageStart = 0;
  imageEnd = 0;

  // Scratch of the reading itself.
  /** The creation time as written: a number literal, or a string's text. */
  timeStart = 0;
  timeEnd = 0;
  timeIsText = false;
  /** Where each image's value starts, when it was skipped because eventName was not known yet (-1: none). */
  newImageAt = -1;
  oldImageAt = -1;
  imageWritten = false;
  /** The order columns Keys holds (only its orderid counts). */
  readonly keyColumns = new OrderColumnSpans();
  /** For the image writer's repeated-name check. */
  readonly names = new AttributeNames();
}
