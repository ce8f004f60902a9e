/**
 * A byte buffer written from its start again for every record and kept from record to record, so the
 * transform's fast path allocates no buffer in its steady state: `bytes[0, length)` is what was written.
 *
 * Writes do not check for room one by one: the writer reserves what a record can need before writing it
 * (`reserve`, which grows the buffer to the next power of two, keeping what it holds), and checks `overflowed`
 * after. A write past the end is lost (or throws) while `length` still counts it, so `overflowed` is exact:
 * were a reservation ever short, the fast path would give the record up to the reference path, never cut it.
 * The buffer never shrinks: a warm Lambda keeps a few times its longest record.
 */
export class ByteWriter {
  bytes: Buffer;
  length = 0;

  constructor(capacity: number) {
    this.bytes = Buffer.allocUnsafeSlow(capacity);
  }

  /** Makes room for `more` bytes after `length`. */
  reserve(more: number): void {
    if (this.length + more > this.bytes.length) this.grow(this.length + more);
  }

  /** Whether a write went past the end of the buffer (and so was lost). */
  overflowed(): boolean {
    return this.length > this.bytes.length;
  }

  byte(value: number): void {
    this.bytes[this.length++] = value;
  }

  /** Appends `from[start, end)`. */
  copy(from: Buffer, start: number, end: number): void {
    // Buffer#copy is a fast native call in Node 22 (about 10 ns, whatever the length); a loop beats it only for a few bytes.
    if (end - start > 16) from.copy(this.bytes, this.length, start, end);
    else {
      const bytes = this.bytes;
      let at = this.length;
      for (let k = start; k < end; k++) bytes[at++] = from[k] as number;
    }
    this.length += end - start;
  }

  /** Appends a whole constant chunk (the line's fixed text). */
  chunk(from: Buffer): void {
    this.bytes.set(from, this.length);
    this.length += from.length;
  }

  /** Appends text known to be ASCII (a rendered number, column names). */
  ascii(text: string): void {
    this.bytes.write(text, this.length, 'latin1');
    this.length += text.length;
  }

  /** Appends a non-negative integer's decimal digits (up to 2^53). */
  digits(value: number): void {
    if (value < 1e9) this.paddedDigits(value, digitCount(value));
    else {
      // Whole-number arithmetic on doubles is slow: 9 digits at a time fit in 32 bits.
      const high = Math.floor(value / 1e9);
      this.digits(high);
      this.paddedDigits(value - high * 1e9, 9);
    }
  }

  /** Appends `value` (below 10^width, and 1e9) in exactly `width` digits, led by zeros. */
  paddedDigits(value: number, width: number): void {
    let rest = value | 0;
    const bytes = this.bytes;
    for (let at = this.length + width - 1; at >= this.length; at--) {
      const tenth = (rest / 10) | 0;
      bytes[at] = 48 + rest - tenth * 10;
      rest = tenth;
    }
    this.length += width;
  }

  private grow(needed: number): void {
    let capacity = Math.max(1, this.bytes.length) * 2;
    while (capacity < needed) capacity *= 2;
    const bigger = Buffer.allocUnsafeSlow(capacity);
    this.bytes.copy(bigger, 0, 0, this.length);
    this.bytes = bigger;
  }
}

function digitCount(value: number): number {
  let count = 1;
  for (let rest = value | 0; rest >= 10; rest = (rest / 10) | 0) count++;
  return count;
}

/**
 * A constant chunk of ASCII text as bytes: a Buffer like the ones it is copied to and compared with, so the
 * byte loops see one kind of array.
 */
export function asciiBytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}
