/**
 * Per-key request rate limiting over a sliding window: shared through Redis (one MULTI a
 * request), or in this process's bounded memory.
 *
 * Why sliding: with fixed windows aligned to the clock, a burst that straddles a window's end gets
 * twice the budget (the last seconds of one window and the first of the next). The count here is
 * the current window's plus the previous window's, weighted by how much of the previous window
 * still lies within the last `windowSeconds` (the estimate Cloudflare and nginx-style limiters use).
 */
import type { Redis } from 'ioredis';

/** Counts requests per key; `hit` says when a key is over its budget. */
export interface RateLimiter {
  /** Counts one request of `key`: null when allowed, or how long until it may ask again. */
  hit(key: string): Promise<{ retryAfterSeconds: number } | null>;
}

export interface RateLimit {
  requests: number;
  windowSeconds: number;
}

/** Where `now` falls: the window's number and how far into it (0 to 1). */
function windowAt(windowSeconds: number, now = Date.now()) {
  const position = now / 1000 / windowSeconds;
  const index = Math.floor(position);
  return { index, elapsed: position - index };
}

/** The sliding count: all of the current window's, the part of the previous one still within the last window. */
const slidingCount = (current: number, previous: number, elapsed: number) => current + previous * (1 - elapsed);

/**
 * Whole seconds (at least 1) until a key with these counts is under `limit` again, if it asks
 * nothing more: the previous window's weight falls as time passes, and at the window's end the
 * current count becomes the previous one.
 */
export function retryAfterSeconds(limit: number, windowSeconds: number, current: number, previous: number, elapsed: number): number {
  let seconds: number;
  if (current < limit && previous > 0) {
    // within this window, once previous * (1 - f) < limit - current
    seconds = windowSeconds * (1 - (limit - current) / previous - elapsed);
  } else {
    // past this window's end, once current * (1 - f') < limit in the next
    seconds = windowSeconds * (1 - elapsed) + (current > 0 ? windowSeconds * Math.max(0, 1 - limit / current) : 0);
  }
  // strictly after the moment the count equals the limit
  return Math.max(1, Math.floor(seconds) + 1);
}

/**
 * The sliding window in Redis: the current window's counter incremented and the previous one
 * read in one round trip, so every gateway process shares each key's budget. A Redis failure
 * throws: shared-state.ts counts the request in memory instead.
 */
export function redisRateLimiter(redis: Redis, limit: RateLimit): RateLimiter {
  return {
    async hit(key) {
      const { index, elapsed } = windowAt(limit.windowSeconds);
      const counter = (i: number) => `numbergraph:rate:${key}:${i}`;
      const results = await redis
        .multi()
        .incr(counter(index))
        // kept while it is the current or the previous window
        .expire(counter(index), limit.windowSeconds * 2 + 1)
        .get(counter(index - 1))
        .exec();
      const current = Number(results?.[0]?.[1] ?? 0);
      const previous = Number(results?.[2]?.[1] ?? 0);
      return slidingCount(current, previous, elapsed) > limit.requests ? { retryAfterSeconds: retryAfterSeconds(limit.requests, limit.windowSeconds, current, previous, elapsed) } : null;
    },
  };
}

/** The same sliding window in this process's memory (one gateway process, or no Redis). */
export function memoryRateLimiter(limit: RateLimit): RateLimiter {
  const counts = slidingWindowCounts(limit.windowSeconds);
  return {
    async hit(key) {
      return counts.add(key) > limit.requests ? { retryAfterSeconds: counts.retryAfter(key, limit.requests) } : null;
    },
  };
}

/**
 * Sliding counts per key over `windowSeconds` (windows aligned to the clock, as the Redis
 * counters are), in this process's memory. Past `maxKeys` keys in one window, that window's
 * counts are dropped, so memory stays bounded whatever the keys are.
 */
export function slidingWindowCounts(windowSeconds: number, maxKeys = Number.POSITIVE_INFINITY) {
  let window = Number.NEGATIVE_INFINITY;
  let current = new Map<string, number>();
  let previous = new Map<string, number>();
  const roll = () => {
    const at = windowAt(windowSeconds);
    if (at.index !== window) {
      previous = at.index === window + 1 ? current : new Map();
      current = new Map();
      window = at.index;
    }
    return at.elapsed;
  };
  return {
    /** The key's sliding count now. */
    get(key: string): number {
      const elapsed = roll();
      return slidingCount(current.get(key) ?? 0, previous.get(key) ?? 0, elapsed);
    },
    /** Adds `amount` to the key's count; answers its sliding count. */
    add(key: string, amount = 1): number {
      const elapsed = roll();
      if (current.size >= maxKeys && !current.has(key)) current.clear();
      const count = (current.get(key) ?? 0) + amount;
      current.set(key, count);
      return slidingCount(count, previous.get(key) ?? 0, elapsed);
    },
    /** Whole seconds until the key is under `limit` again, if it adds nothing more. */
    retryAfter(key: string, limit: number): number {
      const elapsed = roll();
      return retryAfterSeconds(limit, windowSeconds, current.get(key) ?? 0, previous.get(key) ?? 0, elapsed);
    },
  };
}
