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
 * Whole seconds (at least 1) until `amount` more fits a key with these counts within `limit`, if
 * it adds nothing meanwhile: the previous window's weight falls as time passes, and at the
 * window's end the current count becomes the previous one. Never: `amount` over `limit` (null).
 */
export function retryAfterSeconds(limit: number, windowSeconds: number, current: number, previous: number, elapsed: number, amount = 1): number | null {
  const room = limit - amount;
  if (room < 0) return null;
  let seconds: number;
  if (current <= room && previous > 0) {
    // within this window, once current + previous * (1 - f) <= room
    seconds = windowSeconds * (1 - (room - current) / previous - elapsed);
  } else {
    // past this window's end, once current * (1 - f') <= room in the next
    seconds = windowSeconds * (1 - elapsed) + (current > 0 ? windowSeconds * (1 - room / current) : 0);
  }
  // just past the moment it fits, whatever the rounding
  return Math.max(1, Math.ceil(seconds + 1e-6));
}

/** Checks and counts in one step in Redis: counts a request only when it fits (a refused one never adds to the count). */
const HIT_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if current + 1 + previous * tonumber(ARGV[1]) > tonumber(ARGV[2]) then return {0, current, previous} end
current = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {1, current, previous}`;

/**
 * The sliding window in Redis: the two windows' counters read, and the current one incremented
 * when the request fits, in one script, so every gateway process shares each key's budget. A
 * Redis failure throws: shared-state.ts counts the request in memory instead.
 */
export function redisRateLimiter(redis: Redis, limit: RateLimit): RateLimiter {
  return {
    async hit(key) {
      const { index, elapsed } = windowAt(limit.windowSeconds);
      const counter = (i: number) => `numbergraph:rate:${key}:${i}`;
      // kept while it is the current or the previous window
      const [allowed, current, previous] = (await redis.eval(HIT_SCRIPT, 2, counter(index), counter(index - 1), String(1 - elapsed), String(limit.requests), String(limit.windowSeconds * 2 + 1))) as [number, number, number];
      if (allowed === 1) return null;
      return { retryAfterSeconds: retryAfterSeconds(limit.requests, limit.windowSeconds, current, previous, elapsed) ?? limit.windowSeconds };
    },
  };
}

/** The same sliding window in this process's memory (one gateway process, or no Redis). */
export function memoryRateLimiter(limit: RateLimit): RateLimiter {
  const counts = slidingWindowCounts(limit.windowSeconds);
  return {
    async hit(key) {
      // a refused request is not counted: a client just over its budget is not locked out
      if (counts.get(key) + 1 > limit.requests) return { retryAfterSeconds: counts.retryAfter(key, limit.requests) ?? limit.windowSeconds };
      counts.add(key);
      return null;
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
    /** Whole seconds until `amount` more fits the key within `limit`, if it adds nothing meanwhile; null if it never does. */
    retryAfter(key: string, limit: number, amount = 1): number | null {
      const elapsed = roll();
      return retryAfterSeconds(limit, windowSeconds, current.get(key) ?? 0, previous.get(key) ?? 0, elapsed, amount);
    },
  };
}
