/** Searches kept for paging in the inventory's database: any instance serves the pages of a searchId another created. */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { ProviderErrorModel, SearchResultModel } from '../graphql/models.js';
import type { InventoryTables } from '../tables.js';

/** One search's merged result, kept for paging. */
export interface StoredSearch {
  /** Only the tenant (or the tenant-less caller) that searched may page through it. */
  tenant: string | null;
  results: SearchResultModel[];
  providerErrors: ProviderErrorModel[];
  /** False when the providers matched more than the search keeps (or more than it may ask them for). */
  complete: boolean;
}

/** Searches kept at once, results kept over all of them, and for how long: bounded memory, whatever clients do. */
const MAX_SEARCHES = 500;
const MAX_KEPT_RESULTS = 200_000;
const SEARCH_TTL_MS = 10 * 60_000;
/**
 * Where searches are kept for paging: the inventory's database, so any instance serves the pages
 * of a `searchId` another one created; bounded (expired ones go, then the oldest beyond the
 * count and result bounds) whatever clients do. Times are the database's.
 */
export interface SearchStore {
  get(db: Kysely<InventoryTables>, id: string): Promise<StoredSearch | undefined>;
  put(db: Kysely<InventoryTables>, search: StoredSearch): Promise<string>;
}

export function createSearchStore(): SearchStore {
  return {
    get: async (db, id) => {
      const row = await db.selectFrom('search_results').select('result').where('id', '=', id).where('expires_at', '>', sql<Date>`now()`).executeTakeFirst();
      if (!row) return undefined;
      // a search kept before `complete` was recorded: it kept up to 10,000 numbers, so one with
      // fewer held everything it found (save a provider stopped at its call budget, not recorded)
      const search = JSON.parse(row.result) as Omit<StoredSearch, 'complete'> & { complete?: boolean };
      return { ...search, complete: search.complete ?? search.results.length < 10_000 };
    },
    put: async (db, search) => {
      const id = randomUUID();
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('search_results').where('expires_at', '<=', sql<Date>`now()`).execute();
        await tx
          .insertInto('search_results')
          .values({ id, tenant: search.tenant, result: JSON.stringify(search), size: search.results.length + 1, expires_at: sql<Date>`now() + ${SEARCH_TTL_MS} * interval '1 millisecond'` })
          .execute();
        await sql`delete from inventory.search_results where id in (
            select id from (select id, row_number() over w as n, sum(size) over w as kept from inventory.search_results window w as (order by expires_at desc, id)) r
            where n > ${MAX_SEARCHES} or kept > ${MAX_KEPT_RESULTS})`.execute(tx);
      });
      return id;
    },
  };
}

