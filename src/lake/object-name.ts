import { randomUUID } from 'node:crypto';

/**
 * The key Firehose gives an S3 object: `<evaluated prefix><stream>-<version>-YYYY-MM-DD-HH-MM-SS-<uuid><ext>`,
 * the time being the arrival (UTC) of the oldest record in the object (AWS "Configure Amazon S3 object name
 * format"). `version` starts at 1 and grows with each configuration change of the delivery stream.
 */
export function objectKey(input: {
  readonly prefix: string;
  readonly deliveryStream: string;
  readonly version: number;
  readonly oldestArrivalMs: number;
  readonly extension: string;
  readonly uuid?: string;
}): string {
  const date = new Date(input.oldestArrivalMs);
  const time = (['yyyy', 'MM', 'dd', 'HH', 'mm', 'ss'] as const)
    .map((field) => dateField(date, field))
    .join('-');
  return `${input.prefix}${input.deliveryStream}-${input.version}-${time}-${input.uuid ?? randomUUID()}${input.extension}`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** One UTC field of a date, zero-padded, as Firehose's timestamp patterns write it. */
export function dateField(date: Date, field: 'yyyy' | 'MM' | 'dd' | 'HH' | 'mm' | 'ss'): string {
  switch (field) {
    case 'yyyy':
      return pad(date.getUTCFullYear(), 4);
    case 'MM':
      return pad(date.getUTCMonth() + 1);
    case 'dd':
      return pad(date.getUTCDate());
    case 'HH':
      return pad(date.getUTCHours());
    case 'mm':
      return pad(date.getUTCMinutes());
    case 'ss':
      return pad(date.getUTCSeconds());
  }
}
