/** The allocations request context: per-request DataLoaders for batched longest-prefix lookups, carriers' blocks and country sources. */
import type { Kysely } from 'kysely';
import { batchLoader, keyedLoader } from '../../platform/loaders.js';
import { badUserInput } from '../../contracts/errors.js';
import { bestPrecision, comparePrecision, precisionOfSourceKind, type PlanPrecision } from './numbering/coverage.js';
import { InvalidNumberError, parseE164, prefixesOf, type ParsedNumber } from './numbering/e164.js';
import { describeNumber, regionCovering, type NumberPlanEntry } from './numbering/lineage.js';
import { SOURCES } from './import/sources.js';
import * as repo from './repository.js';
import type { AllocationsTables, BlockHistoryRow, BlockRow } from './tables.js';

export interface Context {
  db: Kysely<AllocationsTables>;
  loaders: ReturnType<typeof createLoaders>;
}

/**
 * Numbers per longest-prefix statement: each brings about a dozen candidate prefixes, all in
 * one array parameter, so a request with thousands of numbers runs a few bounded statements.
 */
export const NUMBERS_PER_LOOKUP = 500;

/** One source's part in a country's plan, as CountrySource answers it. */
export interface CountrySource {
  id: string;
  title: string;
  precision: PlanPrecision;
  snapshotDate: string | null;
  note: string | null;
  importedAt: string;
  blocks: number;
}

const byId = (row: { id: string }) => row.id;
const pageKey = ({ key, page }: repo.KeyedPage) => `${key}\u0000${page.limit}\u0000${page.afterKey ?? ''}`;

/** Loaders live for one request: batching within it, no caching across requests or tenants. */
export function createLoaders(db: Kysely<AllocationsTables>) {
  /** The region of a range whose own source names none, by the ranges that cover it. */
  const regionOf = batchLoader<string, string | null>(async (prefixes) => {
    const covering = await repo.findRegionsByPrefixes(db, [...new Set(prefixes.flatMap(prefixesOf))]);
    return prefixes.map((prefix) => regionCovering(prefix, covering));
  });
  const countBy = (count: (keys: readonly string[]) => Promise<Map<string, number>>) =>
    batchLoader<string, number>(async (keys) => {
      const counts = await count(keys);
      return keys.map((key) => counts.get(key) ?? 0);
    });
  const pagesBy = <Row>(list: (pages: readonly repo.KeyedPage[]) => Promise<Row[][]>) =>
    batchLoader<repo.KeyedPage, Row[], string>(list, { cacheKeyFn: pageKey });
  return {
    regionOf,
    /** Longest-prefix lookups of the numbers asked in one tick, NUMBERS_PER_LOOKUP to a statement. */
    numberPlan: batchLoader<string, NumberPlanEntry<BlockRow>>(
      async (e164s) => {
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
      },
      { maxBatchSize: NUMBERS_PER_LOOKUP },
    ),
    blocks: keyedLoader((ids) => repo.findBlocksByIds(db, ids), byId),
    carriers: keyedLoader((ids) => repo.findCarriersByIds(db, ids), byId),
    authorities: keyedLoader((ids) => repo.findAuthoritiesByIds(db, ids), byId),
    sources: keyedLoader((ids) => repo.findSourcesByIds(db, ids), byId),
    /** A page of blocks per carrier: one statement for every carrier of a page of carriers. */
    carrierBlocks: pagesBy<BlockRow>((pages) => repo.listBlocksOfCarriers(db, pages)),
    carrierBlockCounts: countBy((ids) => repo.countBlocksOfCarriers(db, ids)),
    blockHistory: pagesBy<BlockHistoryRow>((pages) => repo.listHistoryOfBlocks(db, pages)),
    blockHistoryCounts: countBy((ids) => repo.countHistoryOfBlocks(db, ids)),
    /** The sources covering each country, best precision first. */
    countrySources: batchLoader<string, CountrySource[]>(async (countries) => {
      const rows = await repo.findSourcesOfCountries(db, countries);
      return countries.map((country) =>
        rows
          .filter((row) => row.country === country)
          .map((row) => ({
            id: row.id,
            title: row.title,
            precision: precisionOfSourceKind(row.kind),
            snapshotDate: row.snapshot_date,
            note: SOURCES.find((s) => s.id === row.id)?.note ?? null,
            importedAt: new Date(row.imported_at).toISOString(),
            blocks: row.blocks,
          }))
          .sort((a, b) => comparePrecision(a.precision, b.precision) || a.id.localeCompare(b.id)),
      );
    }),
  };
}

export const precisionOfSources = (sources: CountrySource[]) => bestPrecision(sources.map((s) => s.precision));

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
