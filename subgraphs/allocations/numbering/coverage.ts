/** How precisely the plan can describe a country's numbers (authority file, carrier prefixes, geography, none), and every plan country. */
import { getCountries, getCountryCallingCode, type CountryCode } from 'libphonenumber-js/max';

/** How much the plan can say of a number in a country, best first (the SDL's PlanPrecision). */
export type PlanPrecision = 'AUTHORITY_FILE' | 'CARRIER_PREFIXES' | 'GEOGRAPHY_ONLY' | 'NONE';
const ORDER: PlanPrecision[] = ['AUTHORITY_FILE', 'CARRIER_PREFIXES', 'GEOGRAPHY_ONLY', 'NONE'];

/** The precision a kind of source gives (sources.kind, see import/source.ts). */
export function precisionOfSourceKind(kind: string | null): PlanPrecision {
  if (kind === 'AUTHORITY_FILE' || kind === 'CARRIER_PREFIXES') return kind;
  if (kind === 'GEOGRAPHY') return 'GEOGRAPHY_ONLY';
  return 'NONE';
}

export function bestPrecision(precisions: PlanPrecision[]): PlanPrecision {
  return ORDER.find((p) => precisions.includes(p)) ?? 'NONE';
}

export const comparePrecision = (a: PlanPrecision, b: PlanPrecision) => ORDER.indexOf(a) - ORDER.indexOf(b);

/** Every country libphonenumber knows, by ISO code, with the calling code it is dialled under. */
export const PLAN_COUNTRIES: { country: string; callingCode: string }[] = [...getCountries()]
  .sort()
  .map((country) => ({ country, callingCode: getCountryCallingCode(country as CountryCode) }));
