/** Rate limits count over a sliding window: a burst across a window's end gets one budget, not two; Retry-After says when the key may ask again. */
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryRateLimiter, redisRateLimiter, retryAfterSeconds, slidingWindowCounts, type RateLimiter } from './rate-limit.js';

const WINDOW = 60;
/** A moment `seconds` into a window of WINDOW seconds (windows are aligned to the clock). */
const at = (window: number, seconds: number) => vi.setSystemTime((window * WINDOW + seconds) * 1000);

beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
afterEach(() => vi.useRealTimers());

describe('sliding window counts', () => {
  it('counts the previous window by how much of it is still within the last window', () => {
    const counts = slidingWindowCounts(WINDOW);
    at(1000, 30);
    counts.add('a', 20);
    expect(counts.get('a')).toBe(20);
    at(1001, 15); // a quarter into the next window: three quarters of the previous one still count
    expect(counts.get('a')).toBe(15);
    at(1002, 0); // a whole window later
    expect(counts.get('a')).toBe(0);
  });

  it('gives a burst that straddles a window\'s end one budget, not two', async () => {
    const limiter = memoryRateLimiter({ requests: 20, windowSeconds: WINDOW });
    const allowed = async (n: number) => {
      let ok = 0;
      for (let i = 0; i < n; i++) if ((await limiter.hit('burst')) === null) ok += 1;
      return ok;
    };
    at(2000, 59);
    const before = await allowed(20);
    at(2001, 1);
    const after = await allowed(20);
    expect(before).toBe(20);
    // fixed windows allowed all 20 again here
    expect(after).toBe(0);
  });

  it('says how long until the key is under its budget again', () => {
    // over the limit within this window alone: past its end, then until its weight falls below
    expect(retryAfterSeconds(20, WINDOW, 40, 0, 0.5)).toBe(30 + 30 + 1);
    // 10 here and 30 in the previous window, halfway through (25 in all): once the previous weighs under 10
    const wait = retryAfterSeconds(20, WINDOW, 10, 30, 0.5);
    expect(wait).toBeGreaterThanOrEqual(10);
    expect(wait).toBeLessThanOrEqual(11);
    const counts = slidingWindowCounts(WINDOW);
    at(3000, 0);
    counts.add('k', 25);
    const again = counts.retryAfter('k', 20);
    at(3000, again);
    expect(counts.get('k')).toBeLessThan(20);
    at(3000, again - 2);
    expect(counts.get('k')).toBeGreaterThanOrEqual(20);
  });

  it('drops a window\'s counts past its bound of keys', () => {
    const counts = slidingWindowCounts(WINDOW, 2);
    at(4000, 1);
    counts.add('a');
    counts.add('b');
    counts.add('c');
    expect(counts.get('a')).toBe(0);
    expect(counts.get('c')).toBe(1);
  });
});

describe.skipIf(!process.env.REDIS_URL)('the sliding window in Redis (needs REDIS_URL)', () => {
  it('shares the count between limiters, and a burst across a window\'s end gets one budget', async () => {
    const redis = new Redis(process.env.REDIS_URL!, { lazyConnect: true });
    await redis.connect();
    try {
      const limit = { requests: 10, windowSeconds: WINDOW };
      const key = `test-${randomUUID()}`;
      const one: RateLimiter = redisRateLimiter(redis, limit);
      const two: RateLimiter = redisRateLimiter(redis, limit);
      at(Math.floor(Date.now() / 1000 / WINDOW), 58);
      const answers = [];
      for (let i = 0; i < 10; i++) answers.push(await (i % 2 ? one : two).hit(key));
      expect(answers.every((a) => a === null)).toBe(true);
      at(Math.floor(Date.now() / 1000 / WINDOW) + 1, 2);
      const refused = await one.hit(key);
      expect(refused?.retryAfterSeconds).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });
});
