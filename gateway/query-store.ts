import type { Redis } from 'ioredis';

/** Automatic persisted queries by sha256: shared by gateway processes through Redis, else in memory. */
export interface QueryStore {
  get(hash: string): Promise<string | null>;
  set(hash: string, query: string): Promise<void>;
}

/** A query not asked for in a day is dropped (clients send the text again on PERSISTED_QUERY_NOT_FOUND). */
const TTL_SECONDS = 24 * 3600;

export function redisQueryStore(redis: Redis): QueryStore {
  return {
    get: (hash) => redis.get(`numbergraph:apq:${hash}`),
    set: async (hash, query) => {
      await redis.set(`numbergraph:apq:${hash}`, query, 'EX', TTL_SECONDS);
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
