// The one factory of per-request DataLoaders for every subgraph: rows by key, rows grouped by key, and other batches, all with one batch bound.
import DataLoader from 'dataloader';

/**
 * The most keys one batch sends to the database: above the largest page (500), so a page's SQL
 * never grows with its size, while a request that asks for more keys (thousands of aliased
 * fields) is answered in several statements, never one unbounded statement.
 */
export const MAX_BATCH_SIZE = 1_000;

/**
 * Keys that can name a row: Postgres text cannot hold NUL, so a key with one (from a client's
 * id or a crafted entity representation) names nothing and must not reach a statement, where
 * it would fail the whole batch as an internal error.
 */
const storable = (keys: readonly string[]) => keys.filter((key) => !key.includes('\u0000'));

/**
 * A per-request loader of one row per key: one `fetch` per tick (per MAX_BATCH_SIZE keys), one
 * result per key in key order, null for a key no row has. `keyOf` says which key a row answers.
 */
export function keyedLoader<Row>(fetch: (keys: readonly string[]) => Promise<readonly Row[]>, keyOf: (row: Row) => string): DataLoader<string, Row | null> {
  return new DataLoader<string, Row | null>(
    async (keys) => {
      const named = storable(keys);
      const rows = named.length > 0 ? await fetch(named) : [];
      const byKey = new Map(rows.map((row) => [keyOf(row), row]));
      return keys.map((key) => byKey.get(key) ?? null);
    },
    { maxBatchSize: MAX_BATCH_SIZE },
  );
}

/**
 * A per-request loader of every row of each key: one `fetch` per tick (per MAX_BATCH_SIZE keys),
 * one list per key in key order (rows in the order `fetch` returned them), [] for a key no row has.
 */
export function groupedLoader<Row>(fetch: (keys: readonly string[]) => Promise<readonly Row[]>, keyOf: (row: Row) => string): DataLoader<string, Row[]> {
  return new DataLoader<string, Row[]>(
    async (keys) => {
      const groups = new Map<string, Row[]>(keys.map((key) => [key, []]));
      const named = storable(keys);
      for (const row of named.length > 0 ? await fetch(named) : []) groups.get(keyOf(row))?.push(row);
      return keys.map((key) => groups.get(key) ?? []);
    },
    { maxBatchSize: MAX_BATCH_SIZE },
  );
}

/**
 * A per-request loader whose batch function answers the keys itself (counts, pages, lookups
 * that are not one row per key), with the same batch bound unless the caller names its own
 * (a provider's call that takes more keys). `cacheKeyFn` for keys that are not strings.
 */
export function batchLoader<Key, Value, CacheKey = Key>(
  batch: DataLoader.BatchLoadFn<Key, Value>,
  options: { maxBatchSize?: number; cacheKeyFn?: (key: Key) => CacheKey } = {},
): DataLoader<Key, Value, CacheKey> {
  return new DataLoader<Key, Value, CacheKey>(batch, { maxBatchSize: MAX_BATCH_SIZE, ...options });
}

/**
 * A per-request loader that calls `load` once per distinct key (an upstream API with no batch
 * form): requests for the same key within a request share one call.
 */
export function perKeyLoader<Value>(load: (key: string) => Promise<Value>): DataLoader<string, Value> {
  return new DataLoader<string, Value>((keys) => Promise.all(keys.map(load)), { batch: false });
}
