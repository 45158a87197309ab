import type { Redis } from 'ioredis';

/** Counts requests per key in fixed windows; `hit` says when a key is over its budget. */
export interface RateLimiter {
  /** Counts one request of `key`: null when allowed, or how long until the window resets. */
  hit(key: string): Promise<{ retryAfterSeconds: number } | null>;
}

export interface RateLimit {
  requests: number;
  windowSeconds: number;
}

/**
 * Fixed windows in Redis (INCR + EXPIRE in one round trip), so every gateway process shares each
 * key's budget. A Redis failure throws: shared-state.ts counts the request in memory instead.
 */
export function redisRateLimiter(redis: Redis, limit: RateLimit): RateLimiter {
  return {
    async hit(key) {
      const window = Math.floor(Date.now() / 1000 / limit.windowSeconds);
      const counter = `numbergraph:rate:${key}:${window}`;
      const results = await redis.multi().incr(counter).expire(counter, limit.windowSeconds + 1).exec();
      const count = Number(results?.[0]?.[1] ?? 0);
      return count > limit.requests ? { retryAfterSeconds: secondsLeft(limit) } : null;
    },
  };
}

/** The same windows in this process's memory (one gateway process, or no Redis). */
export function memoryRateLimiter(limit: RateLimit): RateLimiter {
  const counts = new Map<string, number>();
  let current = -1;
  return {
    async hit(key) {
      const window = Math.floor(Date.now() / 1000 / limit.windowSeconds);
      if (window !== current) {
        counts.clear();
        current = window;
      }
      const count = (counts.get(key) ?? 0) + 1;
      counts.set(key, count);
      return count > limit.requests ? { retryAfterSeconds: secondsLeft(limit) } : null;
    },
  };
}

function secondsLeft(limit: RateLimit): number {
  const now = Date.now() / 1000;
  return Math.max(1, Math.ceil(limit.windowSeconds - (now % limit.windowSeconds)));
}
