import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { byIdLoader } from '../shared/loaders.js';
import { badUserInput } from '../shared/errors.js';
import { InvalidNumberError, parseE164, prefixesOf, type ParsedNumber } from './numbering/e164.js';
import { describeNumber, regionCovering, type NumberPlanEntry } from './numbering/lineage.js';
import * as repo from './repository.js';
import type { AllocationsTables, BlockRow } from './tables.js';

export interface Context {
  db: Kysely<AllocationsTables>;
  loaders: ReturnType<typeof createLoaders>;
}

/** Loaders live for one request: batching within it, no caching across requests or tenants. */
export function createLoaders(db: Kysely<AllocationsTables>) {
  /** The region of a range whose own source names none, by the ranges that cover it. */
  const regionOf = new DataLoader<string, string | null>(async (prefixes) => {
    const covering = await repo.findRegionsByPrefixes(db, [...new Set(prefixes.flatMap(prefixesOf))]);
    return prefixes.map((prefix) => regionCovering(prefix, covering));
  });
  return {
    regionOf,
    /** Longest-prefix lookups of all numbers asked in one tick, in one statement. */
    numberPlan: new DataLoader<string, NumberPlanEntry<BlockRow>>(async (e164s) => {
      // A bad key (an entity representation from elsewhere) fails alone, as bad input.
      const numbers = e164s.map((e164) => {
        try {
          return parseNumberInput(e164);
        } catch (error) {
          return error as Error;
        }
      });
      const valid = numbers.filter((n): n is ParsedNumber => !(n instanceof Error));
      const prefixes = [...new Set(valid.flatMap((n) => prefixesOf(n.digits)))];
      const candidates = await repo.findBlocksByPrefixes(db, prefixes);
      return numbers.map((number) => {
        if (number instanceof Error) return number;
        const entry = describeNumber(number, candidates);
        // The candidates hold every range covering the number, so also those covering its
        // block: the block's region costs no further statement.
        if (entry.block && entry.block.region === null) regionOf.prime(entry.block.prefix, regionCovering(entry.block.prefix, candidates));
        return entry;
      });
    }),
    blocks: byIdLoader((ids) => repo.findBlocksByIds(db, ids)),
    carriers: byIdLoader((ids) => repo.findCarriersByIds(db, ids)),
    authorities: byIdLoader((ids) => repo.findAuthoritiesByIds(db, ids)),
    sources: byIdLoader((ids) => repo.findSourcesByIds(db, ids)),
  };
}

/** parseE164 for client input: what is wrong comes back as BAD_USER_INPUT. */
export function parseNumberInput(e164: string): ParsedNumber {
  try {
    return parseE164(e164);
  } catch (error) {
    if (error instanceof InvalidNumberError) throw badUserInput(error.message, 'e164');
    throw error;
  }
}

export function createContext(db: Kysely<AllocationsTables>): Context {
  return { db, loaders: createLoaders(db) };
}
