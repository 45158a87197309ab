import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { byIdLoader } from '../shared/loaders.js';
import { parseE164, prefixesOf } from './numbering/e164.js';
import { describeNumber, type NumberPlanEntry } from './numbering/lineage.js';
import * as repo from './repository.js';
import type { AllocationsTables, BlockRow } from './tables.js';

export interface Context {
  db: Kysely<AllocationsTables>;
  loaders: ReturnType<typeof createLoaders>;
}

/** Loaders live for one request: batching within it, no caching across requests or tenants. */
export function createLoaders(db: Kysely<AllocationsTables>) {
  return {
    /** Longest-prefix lookups of all numbers asked in one tick, in one statement. */
    numberPlan: new DataLoader<string, NumberPlanEntry<BlockRow>>(async (e164s) => {
      const numbers = e164s.map((e164) => parseE164(e164));
      const prefixes = [...new Set(numbers.flatMap((n) => prefixesOf(n.digits)))];
      const candidates = await repo.findBlocksByPrefixes(db, prefixes);
      return numbers.map((number) => describeNumber(number, candidates));
    }),
    blocks: byIdLoader((ids) => repo.findBlocksByIds(db, ids)),
    carriers: byIdLoader((ids) => repo.findCarriersByIds(db, ids)),
    authorities: byIdLoader((ids) => repo.findAuthoritiesByIds(db, ids)),
    sources: byIdLoader((ids) => repo.findSourcesByIds(db, ids)),
  };
}

export function createContext(db: Kysely<AllocationsTables>): Context {
  return { db, loaders: createLoaders(db) };
}
