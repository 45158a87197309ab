/** The allocations queries: blocks by prefix, rows by id, paged authorities and carriers, carriers' blocks and blocks' history in one statement. */
import { sql, type Kysely } from 'kysely';
import { KEY_SEPARATOR, type Page } from '../../platform/pagination.js';
import type { AllocationsTables, AuthorityRow, BlockHistoryRow, BlockRow, CarrierRow, SourceRow } from './tables.js';

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

/** One page of one keyed list (a carrier's blocks, a block's history), as a per-request loader asks for it. */
export interface KeyedPage {
  key: string;
  page: Page;
}

/** The pages asked for, as one relation `w` of parallel arrays: one bind parameter per column, however many pages. */
function wantedPages(pages: readonly KeyedPage[], afterParts: (page: Page) => [string | null, string | null]) {
  const afters = pages.map((p) => afterParts(p.page));
  return sql<{ key: string; after_a: string | null; after_b: string | null; lim: number; ord: number }>`(select
    unnest(${pages.map((p) => p.key)}::text[]) as key,
    unnest(${afters.map((a) => a[0])}::text[]) as after_a,
    unnest(${afters.map((a) => a[1])}::text[]) as after_b,
    unnest(${pages.map((p) => p.page.limit)}::int[]) as lim,
    unnest(${pages.map((_, i) => i)}::int[]) as ord)`.as('w');
}

function splitByOrd<Row extends { ord: number }>(rows: Row[], count: number): Omit<Row, 'ord'>[][] {
  const out: Omit<Row, 'ord'>[][] = Array.from({ length: count }, () => []);
  for (const { ord, ...row } of rows) out[ord]!.push(row);
  return out;
}

/**
 * A page of blocks for each of several carriers, by prefix then id (one prefix can come from
 * two sources): ONE statement, a lateral index scan per carrier, whatever the number of carriers.
 */
export async function listBlocksOfCarriers(db: Db, pages: readonly KeyedPage[]): Promise<BlockRow[][]> {
  const rows = await db
    .selectFrom(wantedPages(pages, (page) => splitKey(page.afterKey)))
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('blocks')
          .selectAll('blocks')
          .whereRef('blocks.carrier_id', '=', 'w.key')
          .where((e) =>
            e.or([
              e('w.after_a', 'is', null),
              e('blocks.prefix', '>', e.ref('w.after_a')),
              e.and([e('blocks.prefix', '=', e.ref('w.after_a')), e('blocks.id', '>', e.ref('w.after_b'))]),
            ]),
          )
          .orderBy('blocks.prefix')
          .orderBy('blocks.id')
          .limit(eb.ref('w.lim'))
          .as('b'),
      (join) => join.onTrue(),
    )
    .selectAll('b')
    .select('w.ord')
    .execute();
  return splitByOrd(rows, pages.length) as BlockRow[][];
}

function splitKey(afterKey: string | null): [string | null, string | null] {
  if (afterKey === null) return [null, null];
  const [prefix = '', id = ''] = afterKey.split(KEY_SEPARATOR);
  return [prefix, id];
}

/** How many blocks each carrier holds: one grouped statement. */
export async function countBlocksOfCarriers(db: Db, carrierIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('blocks')
    .select((eb) => ['carrier_id', eb.fn.countAll<number>().as('count')])
    .where('carrier_id', '=', anyOf(carrierIds))
    .groupBy('carrier_id')
    .execute();
  return new Map(rows.map((r) => [r.carrier_id ?? '', Number(r.count)]));
}

/** A page of changes for each of several blocks, oldest first: one statement. */
export async function listHistoryOfBlocks(db: Db, pages: readonly KeyedPage[]): Promise<BlockHistoryRow[][]> {
  const rows = await db
    .selectFrom(wantedPages(pages, (page) => [page.afterKey, null]))
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('block_history')
          .selectAll('block_history')
          .whereRef('block_history.block_id', '=', 'w.key')
          .where((e) => e.or([e('w.after_a', 'is', null), e('block_history.id', '>', e.cast<number>('w.after_a', 'integer'))]))
          .orderBy('block_history.id')
          .limit(eb.ref('w.lim'))
          .as('h'),
      (join) => join.onTrue(),
    )
    .selectAll('h')
    .select('w.ord')
    .execute();
  return splitByOrd(rows, pages.length) as BlockHistoryRow[][];
}

export async function countHistoryOfBlocks(db: Db, blockIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('block_history')
    .select((eb) => ['block_id', eb.fn.countAll<number>().as('count')])
    .where('block_id', '=', anyOf(blockIds))
    .groupBy('block_id')
    .execute();
  return new Map(rows.map((r) => [r.block_id, Number(r.count)]));
}

/** The sources that give blocks in each of `countries`, with how many. */
export async function findSourcesOfCountries(db: Db, countries: readonly string[]) {
  return db
    .selectFrom('source_countries')
    .innerJoin('sources', 'sources.id', 'source_countries.source_id')
    .select(['source_countries.country', 'source_countries.blocks', 'sources.id', 'sources.title', 'sources.kind', 'sources.snapshot_date', 'sources.imported_at'])
    .where('source_countries.country', '=', anyOf(countries))
    .orderBy('sources.id')
    .execute();
}

export function carrierBlockKey(block: BlockRow): string {
  return `${block.prefix}${KEY_SEPARATOR}${block.id}`;
}

/** What the numbering plan holds, source by source: for start-up logs. */
export async function loadedSources(db: Db): Promise<SourceRow[]> {
  return db.selectFrom('sources').selectAll().orderBy('id').execute();
}
