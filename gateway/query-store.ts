/** The automatic persisted query store: in Redis with a one-day expiry, or in bounded LRU memory. */
import type { Redis } from 'ioredis';

/**
 * Automatic persisted queries, shared by gateway processes through Redis, else in memory. The key
 * is the caller's owner and the sha256 (edge.ts `apqKey`): the store itself knows no tenants.
 */
export interface QueryStore {
  get(key: string): Promise<string | null>;
  set(key: string, query: string): Promise<void>;
}

/** A query not asked for in a day is dropped (clients send the text again on PERSISTED_QUERY_NOT_FOUND). */
const TTL_SECONDS = 24 * 3600;

export function redisQueryStore(redis: Redis): QueryStore {
  return {
    get: (key) => redis.get(`numbergraph:apq:${key}`),
    set: async (key, query) => {
      await redis.set(`numbergraph:apq:${key}`, query, 'EX', TTL_SECONDS);
    },
  };
}

/**
 * At most `capacity` queries and `characters` characters of them together (each may be 100,000
 * long: by count alone, 5,000 padded texts would hold a gigabyte), the least recently used
 * dropped first (Map keeps insertion order).
 */
export function memoryQueryStore(capacity = 5_000, characters = 20_000_000): QueryStore {
  const queries = new Map<string, string>();
  let held = 0;
  const drop = (hash: string) => {
    held -= queries.get(hash)?.length ?? 0;
    queries.delete(hash);
  };
  return {
    async get(hash) {
      const query = queries.get(hash);
      if (query === undefined) return null;
      queries.delete(hash);
      queries.set(hash, query);
      return query;
    },
    async set(hash, query) {
      drop(hash);
      if (query.length > characters) return;
      queries.set(hash, query);
      held += query.length;
      while (queries.size > capacity || held > characters) drop(queries.keys().next().value!);
    },
  };
}
