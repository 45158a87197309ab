/** A number's place in the plan: its block (source precedence, then longest prefix), country and authority, and a range's covering region. */
import { authorityIdForCountry } from './authorities.js';
import { mainCountryOf, type ParsedNumber } from './e164.js';

interface CandidateBlock {
  prefix: string;
  precedence: number;
  country: string | null;
  authority_id: string;
}

/**
 * The block a number sits in: among blocks whose prefix the number starts with, the source of
 * highest precedence (the national authority's file before libphonenumber), then the longest
 * prefix.
 */
export function chooseBlock<B extends CandidateBlock>(digits: string, candidates: B[]): B | null {
  let best: B | null = null;
  for (const block of candidates) {
    if (!digits.startsWith(block.prefix)) continue;
    if (
      !best ||
      block.precedence < best.precedence ||
      (block.precedence === best.precedence && block.prefix.length > best.prefix.length)
    ) {
      best = block;
    }
  }
  return best;
}

export interface NumberPlanEntry<B> {
  number: ParsedNumber;
  block: B | null;
  country: string | null;
  authorityId: string;
}

/**
 * What the numbering plan says of one number. libphonenumber names the country where it
 * recognises the number; where it does not (a range too new for it), the block decides.
 */
export function describeNumber<B extends CandidateBlock>(number: ParsedNumber, candidates: B[]): NumberPlanEntry<B> {
  const block = chooseBlock(number.digits, candidates);
  const country = number.country ?? block?.country ?? mainCountryOf(number.callingCode);
  return { number, block, country, authorityId: block?.authority_id ?? authorityIdForCountry(country) };
}

/**
 * The area a range serves when its own source names none (a mobile range, a CO code not yet
 * assigned): the longest range with a region that covers it, e.g. "British Columbia" for a
 * free NPA-NXX in 236. Null where no covering range is tied to a place.
 */
export function regionCovering(prefix: string, candidates: { prefix: string; region: string | null }[]): string | null {
  let best: { prefix: string; region: string | null } | null = null;
  for (const candidate of candidates) {
    if (candidate.region === null || !prefix.startsWith(candidate.prefix)) continue;
    if (!best || candidate.prefix.length > best.prefix.length) best = candidate;
  }
  return best?.region ?? null;
}
