import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from './byte-writer.ts';
import { decodeStrictBase64, STRICT_BASE64 } from './strict-base64.ts';

/** Decodes with one writer reused throughout, as the fast path does: the bytes, or undefined when refused. */
const writer = new ByteWriter(8);
function decoded(data: string): Buffer | undefined {
  return decodeStrictBase64(data, writer) ? Buffer.from(writer.bytes.subarray(0, writer.length)) : undefined;
}

/** What the reference path accepts and decodes (transform-record.ts#plainTransformRecord). */
function reference(data: string): Buffer | undefined {
  return STRICT_BASE64.test(data) ? Buffer.from(data, 'base64') : undefined;
}

/** Base64 of any bytes, then damaged the ways a payload can be: forgiving decoders take most of them. */
const damagedBase64 = fc
  .tuple(
    fc.uint8Array({ maxLength: 40 }),
    fc.nat(),
    fc.constantFrom(
      (s: string) => s,
      (s: string) => s.replace(/=+$/, ''), // padding dropped
      (s: string) => `${s}=`,
      (s: string) => `${s}==`,
      (s: string) => s.replaceAll('+', '-').replaceAll('/', '_'), // the URL-safe alphabet
      (s: string) =>
        s.replace(/(.)(=*)$/, (_, last: string, padding: string) => `${nonCanonical(last)}${padding}`),
    ),
    fc.constantFrom(
      '',
      ' ',
      '\n',
      '\t',
      '\r\n',
      '=',
      '==',
      '*',
      '-',
      '_',
      '.',
      'é',
      '\u2028',
      '\0',
      'A',
      'AA',
      'AAA',
    ),
  )
  .map(([bytes, at, rewrite, inserted]) => {
    const data = rewrite(Buffer.from(bytes).toString('base64'));
    const where = at % (data.length + 1);
    return data.slice(0, where) + inserted + data.slice(where);
  });

/** The same character with other low bits: base64 whose last character carries bits no byte needs. */
function nonCanonical(last: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const index = alphabet.indexOf(last);
  return index < 0 ? last : (alphabet[index ^ 1] as string);
}

describe('strict base64 (the fast path’s decoding)', () => {
  it('accepts exactly what the reference path accepts, and decodes it to the same bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(damagedBase64, fc.string({ maxLength: 12 }), fc.stringMatching(/^[A-Za-z0-9+/= \n]{0,12}$/)),
        (data) => {
          expect(decoded(data)).toEqual(reference(data));
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 3_000) },
    );
  });

  it.each([
    ['', true],
    ['QQ==', true],
    ['QUI=', true],
    ['QUJD', true],
    ['QR==', true], // bits past the last byte are ignored, by the reference as well
    ['QQ', false],
    ['QQ=', false],
    ['Q===', false],
    ['QQ==QUJD', false],
    ['QUJ D', false],
    ['QUJ\nD', false],
    [' QUJ', false],
    ['QU-D', false],
    ['QU_D', false],
    ['QUJDé', false],
  ])('%j: accepted %s, as the reference path does', (data, accepted) => {
    expect(STRICT_BASE64.test(data)).toBe(accepted);
    expect(decoded(data)).toEqual(reference(data));
  });

  it('decodes payloads of every length into one reused writer, longer and shorter than before', () => {
    for (const size of [0, 1, 2, 3, 7, 8, 9, 1000, 5, 70_000, 2, 16_384, 3]) {
      const bytes = Buffer.alloc(size, size % 251);
      expect(decoded(bytes.toString('base64'))?.equals(bytes)).toBe(true);
    }
  });
});
