import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalItem, canonicalNumber } from './canonical-item.ts';

describe('canonicalNumber', () => {
  it.each([
    ['48.20', '48.2'],
    ['1299.99', '1299.99'],
    ['0010', '10'],
    ['-0.000', '0'],
    ['1E2', '100'],
    ['1.5e-3', '0.0015'],
    ['-12.3400E+1', '-123.4'],
    ['.5', '0.5'],
    ['12345678901234567890123456789012345678', '12345678901234567890123456789012345678'],
    ['not a number', 'not a number'],
  ])('%s → %s', (text, canonical) => expect(canonicalNumber(text)).toBe(canonical));

  it('agrees with the value for any decimal, and is idempotent', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 6 }), (units, scale) => {
        const text = (units / 10 ** scale).toFixed(scale);
        const canonical = canonicalNumber(text);
        expect(Number(canonical)).toBe(Number(text));
        expect(canonicalNumber(canonical)).toBe(canonical);
        expect(canonical).not.toMatch(/\.\d*0$|^-?0\d/);
      }),
    );
  });
});

describe('canonicalItem', () => {
  it('sorts sets and canonicalizes numbers at every depth', () => {
    expect(
      canonicalItem({
        b: { NS: ['2.50', '10', '1'] },
        a: { M: { x: { L: [{ N: '1.0' }, { SS: ['z', 'a'] }] } } },
      }),
    ).toEqual({
      a: { M: { x: { L: [{ N: '1' }, { SS: ['a', 'z'] }] } } },
      b: { NS: ['1', '10', '2.5'] },
    });
  });
});
