/** Per-key request rate limiting in fixed windows: shared through Redis (INCR+EXPIRE), or in this process's bounded memory. */
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
      return count > limit.requests ? { retryAfterSeconds: secondsLeftInWindow(limit.windowSeconds) } : null;
    },
  };
}

/** The same windows in this process's memory (one gateway process, or no Redis). */
export function memoryRateLimiter(limit: RateLimit): RateLimiter {
  const counts = fixedWindowCounts(limit.windowSeconds);
  return {
    async hit(key) {
      return counts.add(key) > limit.requests ? { retryAfterSeconds: secondsLeftInWindow(limit.windowSeconds) } : null;
    },
  };
}

/**
 * Counts per key in fixed windows of `windowSeconds` (aligned to the clock, as the Redis counters
 * are), in this process's memory: a new window starts every count at 0. Past `maxKeys` keys in one
 * window, the window's counts are dropped, so memory stays bounded whatever the keys are.
 */
export function fixedWindowCounts(windowSeconds: number, maxKeys = Number.POSITIVE_INFINITY) {
  let window = -1;
  const counts = new Map<string, number>();
  const roll = () => {
    const now = Math.floor(Date.now() / 1000 / windowSeconds);
    if (now !== window) {
      counts.clear();
      window = now;
    }
  };
  return {
    get(key: string): number {
      roll();
      return counts.get(key) ?? 0;
    },
    /** Adds `amount` to the key's count in this window; answers the new count. */
    add(key: string, amount = 1): number {
      roll();
      if (counts.size >= maxKeys && !counts.has(key)) counts.clear();
      const count = (counts.get(key) ?? 0) + amount;
      counts.set(key, count);
      return count;
    },
  };
}

/** Whole seconds until the current window of `windowSeconds` ends (at least 1): a Retry-After. */
export function secondsLeftInWindow(windowSeconds: number): number {
  const now = Date.now() / 1000;
  return Math.max(1, Math.ceil(windowSeconds - (now % windowSeconds)));
}
