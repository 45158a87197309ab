import { describe, expect, it } from 'vitest';
import { countryOfPrefix, InvalidNumberError, parseE164, prefixesOf } from './e164.js';

describe('parseE164', () => {
  it('reads country and libphonenumber type of valid numbers', () => {
    expect(parseE164('+447400123456')).toMatchObject({ callingCode: '44', country: 'GB', numberType: 'MOBILE' });
    expect(parseE164('+14162015555')).toMatchObject({ callingCode: '1', country: 'CA', numberType: 'FIXED_LINE_OR_MOBILE' });
    expect(parseE164('+80012345678')).toMatchObject({ callingCode: '800', country: null, numberType: 'TOLL_FREE' });
  });

  it('answers a possible number libphonenumber does not know as UNKNOWN, not an error', () => {
    expect(parseE164('+447700900123')).toMatchObject({ country: null, numberType: 'UNKNOWN' });
  });

  it.each([
    ['12345', /not an E\.164 number/],
    ['+', /not an E\.164 number/],
    ['+44-7400-123456', /not an E\.164 number/],
    ['+1234567890123456', /not an E\.164 number/],
    ['+999123456', /calling code in use \(\+999/],
    ['+4412', /too short for country calling code \+44 \(GB\)/],
    ['+3312345678901', /too long for country calling code \+33 \(FR\)/],
  ])('rejects %s saying why', (input, message) => {
    expect(() => parseE164(input)).toThrow(InvalidNumberError);
    expect(() => parseE164(input)).toThrow(message);
  });
});

describe('prefixesOf', () => {
  it('lists every leading substring, longest first', () => {
    expect(prefixesOf('4474')).toEqual(['4474', '447', '44', '4']);
  });
});

describe('countryOfPrefix', () => {
  it('tells apart countries that share a calling code', () => {
    expect(countryOfPrefix('1416201')).toBe('CA');
    expect(countryOfPrefix('1201')).toBe('US');
    expect(countryOfPrefix('1876')).toBe('JM');
    expect(countryOfPrefix('441534')).toBe('JE');
    expect(countryOfPrefix('49201')).toBe('DE');
  });
});
