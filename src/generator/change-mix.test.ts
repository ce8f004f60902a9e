import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors/pipeline-error.ts';
import { formatChangeMix, parseChangeMix } from './change-mix.ts';

describe('parseChangeMix', () => {
  it('reads percentages per kind, missing kinds being 0', () => {
    expect(parseChangeMix('insert=60,update=30,delete=10')).toEqual({ insert: 60, update: 30, delete: 10 });
    expect(parseChangeMix(' insert = 100 ')).toEqual({ insert: 100, update: 0, delete: 0 });
    expect(formatChangeMix({ insert: 70, update: 20, delete: 10 })).toBe('insert=70,update=20,delete=10');
  });

  it.each([
    ['insert=50,update=10', /adds up to 60, not 100/],
    ['insert=60,update=30,remove=10', /unknown part "remove=10"/],
    ['insert=-10,update=100,delete=10', /insert="-10" is not a percentage/],
    ['insert=abc', /insert="abc" is not a percentage/],
    ['update=90,delete=10', /has no inserts/],
  ])('rejects %s with the value and the fix', (text, message) => {
    expect(() => parseChangeMix(text)).toThrow(InvalidOptionError);
    expect(() => parseChangeMix(text)).toThrow(message);
    expect(() => parseChangeMix(text)).toThrow(/insert=60,update=30,delete=10/);
  });
});
