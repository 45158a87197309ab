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

/** At most `capacity` queries, the least recently used dropped first (Map keeps insertion order). */
export function memoryQueryStore(capacity = 5_000): QueryStore {
  const queries = new Map<string, string>();
  return {
    async get(hash) {
      const query = queries.get(hash);
      if (query === undefined) return null;
      queries.delete(hash);
      queries.set(hash, query);
      return query;
    },
    async set(hash, query) {
      queries.delete(hash);
      queries.set(hash, query);
      if (queries.size > capacity) queries.delete(queries.keys().next().value!);
    },
  };
}
