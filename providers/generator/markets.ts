/** The markets the generated world serves: country, number type, currency, prices, depth, and the real range source behind each. */
import type { Capability } from '../api.js';

/**
 * The markets the generated world serves: a country and a libphonenumber number type, each
 * backed by one real source of ranges. Ofcom, CNA and ARCEP are the authorities' own files; the
 * others are libphonenumber carrier prefixes of calling codes that only one country uses.
 */
export type RangeSource =
  | { kind: 'ofcom'; table: 'S3' | 'S5' | 'S7' | 'S8' | 'S9'; prefixes: string[] }
  /** Ofcom S1's allocated geographic blocks under these area codes (E.164 digits, e.g. 4420 London). */
  | { kind: 'ofcom-geo'; prefixes: string[] }
  | { kind: 'cna' }
  | { kind: 'arcep'; nationalPrefixes: string[] }
  | { kind: 'libphonenumber'; callingCode: string };

export interface MarketSpec {
  country: string;
  numberType: string;
  /** geographic, mobile or non-geographic (toll-free among them): what buyers compare. */
  category: 'geographic' | 'mobile' | 'toll-free' | 'non-geographic';
  source: RangeSource;
  currency: string;
  /** Digits after the decimal point for amounts in this currency. */
  decimals: number;
  /** Typical prices at a Tier 1, in the currency. */
  setupPrice: number;
  monthlyPrice: number;
  capabilities: { always: Capability[]; sometimes: Capability[] };
  /** Relative depth: how many numbers the market holds against the others. */
  depth: number;
}

const MOBILE = { always: ['voice', 'sms'] as Capability[], sometimes: ['mms'] as Capability[] };
const FIXED = { always: ['voice'] as Capability[], sometimes: ['sms', 'fax'] as Capability[] };
const VOICE = { always: ['voice'] as Capability[], sometimes: [] as Capability[] };

function mobile(country: string, callingCode: string, currency: string, monthly: number, depth = 1, decimals = 2): MarketSpec {
  return { country, numberType: 'MOBILE', category: 'mobile', source: { kind: 'libphonenumber', callingCode }, currency, decimals, setupPrice: monthly, monthlyPrice: monthly, capabilities: MOBILE, depth };
}

/** The UK's biggest cities by area code: London, Birmingham, Manchester, Leeds, Glasgow, Edinburgh, Liverpool, Sheffield, Bristol, Nottingham, Cardiff, Belfast. */
const UK_CITIES = ['4420', '44121', '44161', '44113', '44141', '44131', '44151', '44114', '44117', '44115', '4429', '4428'];

export const MARKETS: readonly MarketSpec[] = [
  { country: 'GB', numberType: 'FIXED_LINE', category: 'geographic', source: { kind: 'ofcom-geo', prefixes: UK_CITIES }, currency: 'GBP', decimals: 2, setupPrice: 1, monthlyPrice: 1, capabilities: FIXED, depth: 2 },
  { country: 'GB', numberType: 'MOBILE', category: 'mobile', source: { kind: 'ofcom', table: 'S7', prefixes: ['447'] }, currency: 'GBP', decimals: 2, setupPrice: 1, monthlyPrice: 1.2, capabilities: MOBILE, depth: 1.5 },
  { country: 'GB', numberType: 'TOLL_FREE', category: 'toll-free', source: { kind: 'ofcom', table: 'S8', prefixes: ['44800', '44808'] }, currency: 'GBP', decimals: 2, setupPrice: 5, monthlyPrice: 4, capabilities: VOICE, depth: 1 },
  { country: 'GB', numberType: 'UAN', category: 'non-geographic', source: { kind: 'ofcom', table: 'S3', prefixes: ['443'] }, currency: 'GBP', decimals: 2, setupPrice: 2, monthlyPrice: 1.5, capabilities: VOICE, depth: 1 },
  { country: 'GB', numberType: 'VOIP', category: 'non-geographic', source: { kind: 'ofcom', table: 'S5', prefixes: ['4456'] }, currency: 'GBP', decimals: 2, setupPrice: 0.5, monthlyPrice: 0.8, capabilities: FIXED, depth: 0.6 },
  { country: 'CA', numberType: 'FIXED_LINE_OR_MOBILE', category: 'geographic', source: { kind: 'cna' }, currency: 'CAD', decimals: 2, setupPrice: 0.5, monthlyPrice: 1, capabilities: FIXED, depth: 2 },
  { country: 'DK', numberType: 'FIXED_LINE_OR_MOBILE', category: 'geographic', source: { kind: 'libphonenumber', callingCode: '45' }, currency: 'DKK', decimals: 2, setupPrice: 15, monthlyPrice: 20, capabilities: FIXED, depth: 0.6 },
  { country: 'CL', numberType: 'FIXED_LINE_OR_MOBILE', category: 'geographic', source: { kind: 'libphonenumber', callingCode: '56' }, currency: 'CLP', decimals: 0, setupPrice: 1500, monthlyPrice: 2500, capabilities: FIXED, depth: 0.6 },
  mobile('DE', '49', 'EUR', 2.5, 1.2),
  { ...mobile('FR', '33', 'EUR', 2, 1.2), source: { kind: 'arcep', nationalPrefixes: ['06', '07'] } },
  mobile('ES', '34', 'EUR', 2),
  mobile('NL', '31', 'EUR', 2.2),
  mobile('BE', '32', 'EUR', 2.4, 0.6),
  mobile('SE', '46', 'SEK', 25, 0.8),
  mobile('PL', '48', 'PLN', 9, 0.8),
  mobile('BR', '55', 'BRL', 12, 1.2),
  mobile('JP', '81', 'JPY', 600, 0.6, 0),
];

export function marketKey(country: string, numberType: string): string {
  return `${country}:${numberType}`;
}
