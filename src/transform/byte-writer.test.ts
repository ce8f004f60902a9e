import { describe, expect, it } from 'vitest';
import { ByteWriter } from './byte-writer.ts';

const text = (writer: ByteWriter) => writer.bytes.toString('latin1', 0, writer.length);

describe('ByteWriter', () => {
  it('grows when a reservation needs it, keeping what it holds', () => {
    const writer = new ByteWriter(4);
    writer.ascii('abc');
    const source = Buffer.from(`${'x'.repeat(100)}yz`, 'latin1');
    writer.reserve(source.length + 3);
    writer.copy(source, 0, source.length);
    writer.chunk(Buffer.from('!', 'latin1'));
    writer.byte(0x3f);
    expect(writer.overflowed()).toBe(false);
    expect(text(writer)).toBe(`abc${'x'.repeat(100)}yz!?`);
    expect(writer.bytes.length).toBeGreaterThanOrEqual(writer.length);
  });

  it('tells a write past the end, which is lost, from one that fits', () => {
    const writer = new ByteWriter(4);
    writer.ascii('abcd');
    expect(writer.overflowed()).toBe(false);
    writer.byte(0x65);
    expect(writer.overflowed()).toBe(true);
  });

  it('writes numbers as String does, up to 2^53', () => {
    const writer = new ByteWriter(8);
    for (const value of [
      0,
      7,
      10,
      999_999_999,
      1_000_000_000,
      1_795_334_400_000,
      253_402_214_400_000,
      2 ** 53,
    ]) {
      writer.length = 0;
      writer.reserve(20);
      writer.digits(value);
      expect(text(writer)).toBe(String(value));
    }
    writer.length = 0;
    writer.paddedDigits(7, 3);
    expect(text(writer)).toBe('007');
  });

  it('copies short and long spans alike', () => {
    const source = Buffer.from('0123456789'.repeat(20), 'latin1');
    const writer = new ByteWriter(512);
    writer.copy(source, 3, 9);
    writer.copy(source, 5, 190);
    expect(text(writer)).toBe(source.toString('latin1', 3, 9) + source.toString('latin1', 5, 190));
  });
});
