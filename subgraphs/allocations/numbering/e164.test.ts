/** E.164 parsing and types, ARCEP's longer M2M lengths, prefixes, countries within shared calling codes, and libphonenumber digit patterns. */
import metadata from 'libphonenumber-js/metadata.max.json';
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { DigitPattern } from './digit-pattern.js';
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

describe('parseE164 and the lengths an authority allocates', () => {
  it('accepts ARCEP machine-to-machine numbers libphonenumber thinks too long', () => {
    // MAJNUM: 0700001 (14-digit national numbers) in metropolitan France, 0700501 (13) in Guadeloupe.
    expect(parseE164('+337000011234567')).toMatchObject({ callingCode: '33', digits: '337000011234567', numberType: 'UNKNOWN' });
    expect(parseE164('+590700501123456')).toMatchObject({ callingCode: '590', numberType: 'UNKNOWN' });
    expect(parseE164('+262700900123456')).toMatchObject({ callingCode: '262' });
  });

  it('still refuses other lengths under those prefixes', () => {
    expect(() => parseE164('+33700001123456')).toThrow(/too long for country calling code \+33/);
    expect(() => parseE164('+33612345678901')).toThrow(/too long for country calling code \+33/);
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

describe('countryOfPrefix on every calling code several countries share', () => {
  const codes = Object.entries(metadata.country_calling_codes as Record<string, string[]>).filter(([, countries]) => countries.length > 1);
  const plan = (member: string): readonly unknown[] => (isSupportedCountry(member) ? metadata.countries[member] : undefined) ?? [];
  /** For each type pattern of each country: its smallest number, and the country libphonenumber gives that whole number. */
  const samples = codes.flatMap(([code, members]) =>
    members.flatMap((member) =>
      ((plan(member)[11] as unknown[] | undefined) ?? [])
        .filter((type): type is [string] => Array.isArray(type) && typeof type[0] === 'string')
        .map((type) => {
          const national = new DigitPattern(type[0]).firstMatch();
          return { code, member, e164: `+${code}${national}`, country: (parsePhoneNumberFromString(`+${code}${national}`)?.country ?? null) as string | null };
        }),
    ),
  );

  /** The range a sample number sits in: all but its last two digits (one for short numbers). */
  const rangeOf = (e164: string) => e164.slice(1, e164.length - (e164.length - 1 >= 10 ? 2 : 1));

  it('places the range of each sample number where libphonenumber places the whole number', () => {
    expect(samples.length).toBeGreaterThan(200);
    const disagreements = samples.filter((s) => s.country !== null && countryOfPrefix(rangeOf(s.e164)) !== s.country);
    expect(disagreements).toEqual([]);
  });

  it('reaches every country of every shared calling code that libphonenumber itself tells apart', () => {
    const placed = new Set(samples.map((s) => s.country));
    const reached = new Set(samples.filter((s) => s.country !== null && countryOfPrefix(rangeOf(s.e164)) === s.country).map((s) => s.country));
    const all = codes.flatMap(([, members]) => members);
    // Western Sahara's +212 528 ranges: libphonenumber places them in Morocco (its leading digits come first).
    expect(all.filter((country) => !placed.has(country))).toEqual(['EH']);
    expect(all.filter((country) => placed.has(country) && !reached.has(country))).toEqual([]);
  });

  it('answers the examples of the issue: KZ inside +7, AS inside +1, the French overseas departments', () => {
    expect(countryOfPrefix('7747')).toBe('KZ');
    expect(countryOfPrefix('7495')).toBe('RU');
    expect(countryOfPrefix('1684733')).toBe('AS');
    expect(countryOfPrefix('590690')).toBe('GP');
    expect(countryOfPrefix('262269')).toBe('YT');
    expect(countryOfPrefix('262692')).toBe('RE');
    expect(countryOfPrefix('358181')).toBe('AX');
    expect(countryOfPrefix('4779')).toBe('SJ');
    expect(countryOfPrefix('6189162')).toBe('CC');
    expect(countryOfPrefix('6189164')).toBe('CX');
    expect(countryOfPrefix('3906698')).toBe('VA');
    // a range several countries' patterns share belongs to the main country
    expect(countryOfPrefix('1800')).toBe('US');
    expect(countryOfPrefix('7')).toBe('RU');
  });
});

describe('DigitPattern', () => {
  it('tells whether numbers starting with a prefix can match, and of which length', () => {
    const pattern = new DigitPattern('(?:6[0-4]|7(?:0[0-25-8]|47))\\d{7}|8\\d{5,6}');
    expect(pattern.acceptsPrefix('747')).toBe(true);
    expect(pattern.acceptsPrefix('703')).toBe(false);
    expect(pattern.acceptsPrefix('62', 9)).toBe(true);
    expect(pattern.acceptsPrefix('62', 10)).toBe(false);
    expect(pattern.acceptsPrefix('8', 7)).toBe(true);
    expect(pattern.acceptsPrefix('8', 8)).toBe(false);
    expect(pattern.firstMatch()).toBe('600000000');
  });

  it('refuses constructs it does not read, rather than misreading them', () => {
    expect(() => new DigitPattern('7\\d+')).toThrow(/unbounded repetition/);
    expect(() => new DigitPattern('7[a-z]')).toThrow(/unsupported class member/);
  });
});
