/** E.164 parsing and validation with libphonenumber, candidate prefixes, and the country or territories of a range within a calling code. */
import metadata from 'libphonenumber-js/metadata.max.json';
import { quotedInput } from '../../../contracts/errors.js';
import { DigitPattern } from './digit-pattern.js';
import { isSupportedCountry, parsePhoneNumberFromString, validatePhoneNumberLength, type NumberType as LpnNumberType } from 'libphonenumber-js/max';

/** The libphonenumber type names the schema's `NumberType` enum carries. */
export type NumberType = Exclude<LpnNumberType, undefined> | 'UNKNOWN';

const CALLING_CODES = metadata.country_calling_codes as Record<string, string[]>;
const NON_GEOGRAPHIC = new Set(Object.keys((metadata as { nonGeographic?: object }).nonGeographic ?? {}));

export class InvalidNumberError extends Error {
  override name = 'InvalidNumberError';
}

export interface ParsedNumber {
  e164: string;
  digits: string;
  callingCode: string;
  /** What libphonenumber alone says; the numbering plan data may add to it. */
  country: string | null;
  numberType: NumberType;
}

/** The country calling code a string of E.164 digits starts with, if any is in use. */
export function callingCodeOf(digits: string): string | null {
  for (let length = 1; length <= 3; length++) {
    const code = digits.slice(0, length);
    if (CALLING_CODES[code] || NON_GEOGRAPHIC.has(code)) return code;
  }
  return null;
}

/** The main country of a calling code (GB for +44, US for +1); null for non-geographic codes. */
export function mainCountryOf(callingCode: string): string | null {
  return CALLING_CODES[callingCode]?.[0] ?? null;
}

const LENGTH_PROBLEMS: Record<string, string> = {
  TOO_SHORT: 'is too short',
  TOO_LONG: 'is too long',
  INVALID_LENGTH: 'has a length no number in that plan has',
};

/**
 * Lengths an authority allocates that libphonenumber's metadata does not know yet: ARCEP's
 * machine-to-machine ranges (MAJNUM's 0700 ranges), 0700 and 10 more digits in metropolitan
 * France (+33 700, 15 digits in all) and 0700 and 9 more overseas (+590, +594, +596 and +262
 * 700, 15 digits in all). Without them a number of a range the authority lists would be refused.
 */
const AUTHORITY_LENGTHS: readonly { prefix: string; digits: number }[] = [
  { prefix: '33700', digits: 15 },
  { prefix: '590700', digits: 15 },
  { prefix: '594700', digits: 15 },
  { prefix: '596700', digits: 15 },
  { prefix: '262700', digits: 15 },
];

function hasAuthorityLength(digits: string): boolean {
  return AUTHORITY_LENGTHS.some((l) => digits.length === l.digits && digits.startsWith(l.prefix));
}

/**
 * Validates E.164 input and says what is wrong: not `+` and up to 15 digits, a calling code
 * not in use, or a length impossible for the country (libphonenumber's `isPossible`), unless
 * the authority allocates that length (AUTHORITY_LENGTHS).
 * Anything else is a number the graph answers, known range or not.
 */
export function parseE164(input: string): ParsedNumber {
  const e164 = input.trim();
  if (!/^\+\d{1,15}$/.test(e164)) {
    throw new InvalidNumberError(
      `"${quotedInput(input)}" is not an E.164 number: expected "+" followed by 1 to 15 digits, e.g. +447400123456`,
    );
  }
  const digits = e164.slice(1);
  const callingCode = callingCodeOf(digits);
  if (!callingCode) {
    throw new InvalidNumberError(`"${e164}" does not start with a country calling code in use (+${digits.slice(0, 3)}...)`);
  }
  const problem = validatePhoneNumberLength(e164);
  if (problem && !hasAuthorityLength(digits)) {
    const place = mainCountryOf(callingCode) ?? 'non-geographic';
    throw new InvalidNumberError(
      `"${e164}" ${LENGTH_PROBLEMS[problem] ?? 'is not a possible number'} for country calling code +${callingCode} (${place})`,
    );
  }
  const parsed = parsePhoneNumberFromString(e164);
  return {
    e164,
    digits,
    callingCode,
    country: parsed?.country ?? null,
    numberType: (parsed?.isValid() ? parsed.getType() : undefined) ?? 'UNKNOWN',
  };
}

/** Every leading substring of the digits, longest first: the candidates for a block prefix. */
export function prefixesOf(digits: string): string[] {
  const prefixes: string[] = [];
  for (let length = digits.length; length >= 1; length--) prefixes.push(digits.slice(0, length));
  return prefixes;
}

/** A country's patterns in libphonenumber's metadata: leading digits and one pattern per number type. */
interface CountryPatterns {
  /** National numbers starting with a match of this are the country's (for shared calling codes). */
  leadingDigits: RegExp | null;
  types: DigitPattern[];
}

/**
 * A country's compressed plan in libphonenumber's metadata (an array read by position), or
 * none for a code libphonenumber does not know: the metadata is keyed by its CountryCode type.
 */
function countryPlan(country: string): readonly unknown[] {
  return (isSupportedCountry(country) ? metadata.countries[country] : undefined) ?? [];
}
const patternMemo = new Map<string, CountryPatterns>();

/** Positions in libphonenumber-js's compressed metadata (see its source/metadata.js). */
const LEADING_DIGITS = 10;
const TYPES = 11;

function patternsOf(country: string): CountryPatterns {
  let patterns = patternMemo.get(country);
  if (!patterns) {
    const data = countryPlan(country);
    const leading = data[LEADING_DIGITS];
    const listed = data[TYPES];
    const types: readonly unknown[] = Array.isArray(listed) ? listed : [];
    patterns = {
      leadingDigits: typeof leading === 'string' && leading !== '' ? new RegExp(`^(?:${leading})`) : null,
      types: types.filter((t): t is [string] => Array.isArray(t) && typeof t[0] === 'string').map((t) => new DigitPattern(t[0])),
    };
    patternMemo.set(country, patterns);
  }
  return patterns;
}

const countryMemo = new Map<string, string | null>();

/**
 * The country a number range (by its E.164 prefix) belongs to, from libphonenumber's metadata,
 * the way libphonenumber places a whole number: only calling codes that several countries share
 * (+1, +7, +44, +262, +590, ...) need a look, and their countries are tried in metadata order
 * (the main country first). A country with leading digits takes the range if its national digits
 * start with them (KZ for +7 7, AS for +1 684); one without takes it if one of its number-type
 * patterns admits numbers starting with the range (CA for +1 416, JE for +44 1534). A range that
 * no country takes whole belongs to the main country.
 */
export function countryOfPrefix(prefix: string): string | null {
  const callingCode = callingCodeOf(prefix);
  if (!callingCode) return null;
  const countries = CALLING_CODES[callingCode];
  if (!countries || countries.length === 0) return null;
  if (countries.length === 1) return countries[0]!;
  const memo = countryMemo.get(prefix);
  if (memo !== undefined) return memo;
  const national = prefix.slice(callingCode.length);
  const country =
    countries.find((c) => {
      const { leadingDigits, types } = patternsOf(c);
      return leadingDigits ? leadingDigits.test(national) : types.some((type) => type.acceptsPrefix(national));
    }) ?? countries[0]!;
  countryMemo.set(prefix, country);
  return country;
}

const territoriesMemo = new Map<string, string[]>();

/**
 * Every country whose numbers a range (by its E.164 prefix) holds, by the same metadata as
 * countryOfPrefix: one for most ranges, several where a range of a shared calling code spans
 * territories (+590 690: GP, BL and MF). `country` (the range's own, from its source) comes
 * first and is always among them.
 */
export function territoriesOfPrefix(prefix: string, country: string | null): string[] {
  const callingCode = callingCodeOf(prefix);
  const countries = callingCode ? (CALLING_CODES[callingCode] ?? []) : [];
  if (countries.length <= 1) return country ? [country] : [...countries];
  const key = `${prefix}|${country ?? ''}`;
  let territories = territoriesMemo.get(key);
  if (!territories) {
    const national = prefix.slice(callingCode!.length);
    // A country's leading digits say where its numbers may be, its number patterns whether
    // numbers starting with the range are valid there.
    const spanned = countries.filter((c) => {
      const { leadingDigits, types } = patternsOf(c);
      return (!leadingDigits || leadingDigits.test(national)) && types.some((type) => type.acceptsPrefix(national));
    });
    territories = [...new Set([...(country ? [country] : []), ...spanned])];
    territoriesMemo.set(key, territories);
  }
  return territories;
}
