import { sql, type Kysely } from 'kysely';
import { KEY_SEPARATOR, type Page } from '../shared/pagination.js';
import type { AllocationsTables, AuthorityRow, BlockRow, CarrierRow, SourceRow } from './tables.js';

type Db = Kysely<AllocationsTables>;

/**
 * `= any($1)` with the whole list as ONE array parameter: a statement's bind parameters stay
 * one however many keys a request asks for (PGlite fails silently past 32,768 of them).
 */
export const anyOf = (values: readonly string[]) => sql<string>`any(${[...values]}::text[])`;

/** Every block whose prefix is one of `prefixes`: one index lookup per prefix, never a scan. */
export async function findBlocksByPrefixes(db: Db, prefixes: string[]): Promise<BlockRow[]> {
  if (prefixes.length === 0) return [];
  return db.selectFrom('blocks').selectAll().where('prefix', '=', anyOf(prefixes)).execute();
}

/** The blocks with a region among `prefixes` (index lookups, as above). */
export async function findRegionsByPrefixes(db: Db, prefixes: string[]): Promise<{ prefix: string; region: string | null }[]> {
  if (prefixes.length === 0) return [];
  return db.selectFrom('blocks').select(['prefix', 'region']).where('prefix', '=', anyOf(prefixes)).where('region', 'is not', null).execute();
}

export async function findBlocksByIds(db: Db, ids: readonly string[]): Promise<BlockRow[]> {
  return db.selectFrom('blocks').selectAll().where('id', '=', anyOf(ids)).execute();
}

export async function findCarriersByIds(db: Db, ids: readonly string[]): Promise<CarrierRow[]> {
  return db.selectFrom('carriers').selectAll().where('id', '=', anyOf(ids)).execute();
}

export async function findAuthoritiesByIds(db: Db, ids: readonly string[]): Promise<AuthorityRow[]> {
  return db.selectFrom('authorities').selectAll().where('id', '=', anyOf(ids)).execute();
}

export async function findSourcesByIds(db: Db, ids: readonly string[]): Promise<SourceRow[]> {
  return db.selectFrom('sources').selectAll().where('id', '=', anyOf(ids)).execute();
}

export async function listAuthorities(db: Db, page: Page, known: boolean | null): Promise<AuthorityRow[]> {
  let query = db.selectFrom('authorities').selectAll().orderBy('id').limit(page.limit);
  if (known !== null) query = query.where('known', '=', known);
  if (page.afterKey !== null) query = query.where('id', '>', page.afterKey);
  return query.execute();
}

export async function countAuthorities(db: Db, known: boolean | null): Promise<number> {
  let query = db.selectFrom('authorities').select((eb) => eb.fn.countAll<number>().as('count'));
  if (known !== null) query = query.where('known', '=', known);
  return Number((await query.executeTakeFirstOrThrow()).count);
}

export interface CarrierFilter {
  country?: string | null;
  nameContains?: string | null;
}

function filteredCarriers(db: Db, filter: CarrierFilter) {
  let query = db.selectFrom('carriers');
  if (filter.country) query = query.where('country', '=', filter.country.toUpperCase());
  if (filter.nameContains) {
    const escaped = filter.nameContains.replace(/[\\%_]/g, (ch) => `\\${ch}`);
    query = query.where('name', 'ilike', `%${escaped}%`);
  }
  return query;
}

export async function listCarriers(db: Db, page: Page, filter: CarrierFilter): Promise<CarrierRow[]> {
  let query = filteredCarriers(db, filter).selectAll().orderBy('id').limit(page.limit);
  if (page.afterKey !== null) query = query.where('id', '>', page.afterKey);
  return query.execute();
}

export async function countCarriers(db: Db, filter: CarrierFilter): Promise<number> {
  const row = await filteredCarriers(db, filter).select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}

/** A carrier's blocks by prefix, then id (one prefix can come from two sources). */
export async function listCarrierBlocks(db: Db, carrierId: string, page: Page): Promise<BlockRow[]> {
  let query = db.selectFrom('blocks').selectAll().where('carrier_id', '=', carrierId).orderBy('prefix').orderBy('id').limit(page.limit);
  if (page.afterKey !== null) {
    const [prefix = '', id = ''] = page.afterKey.split(KEY_SEPARATOR);
    query = query.where((eb) => eb.or([eb('prefix', '>', prefix), eb.and([eb('prefix', '=', prefix), eb('id', '>', id)])]));
  }
  return query.execute();
}

export async function countCarrierBlocks(db: Db, carrierId: string): Promise<number> {
  const row = await db
    .selectFrom('blocks')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('carrier_id', '=', carrierId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export function carrierBlockKey(block: BlockRow): string {
  return `${block.prefix}${KEY_SEPARATOR}${block.id}`;
}

/** What the numbering plan holds, source by source: for start-up logs. */
export async function loadedSources(db: Db): Promise<SourceRow[]> {
  return db.selectFrom('sources').selectAll().orderBy('id').execute();
}
