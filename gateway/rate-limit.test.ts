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

  it('says when the next request fits: a client that waits Retry-After is served', async () => {
    // over the limit within this window alone: past its end, then until its weight falls far enough
    expect(retryAfterSeconds(20, WINDOW, 40, 0, 0.5)).toBe(30 + Math.ceil(WINDOW * (1 - 19 / 40)));
    // more than the whole budget at once never fits
    expect(retryAfterSeconds(20, WINDOW, 0, 0, 0, 21)).toBeNull();
    const limiter = memoryRateLimiter({ requests: 20, windowSeconds: WINDOW });
    let now = 5000 * WINDOW + 15;
    vi.setSystemTime(now * 1000);
    let served = 0;
    let refusals = 0;
    // ten minutes of a client that asks at once after each answer and, when refused, waits exactly Retry-After
    while (now < 5010 * WINDOW) {
      const refused = await limiter.hit('patient');
      if (refused === null) served += 1;
      else {
        refusals += 1;
        now += refused.retryAfterSeconds;
        vi.setSystemTime(now * 1000);
        // the request after the wait fits
        expect(await limiter.hit('patient')).toBeNull();
        served += 1;
      }
    }
    // about the budget each minute (20), never locked out
    expect(served).toBeGreaterThanOrEqual(10 * 20 - 20);
    expect(refusals).toBeGreaterThan(0);
  });

  it('does not count refused requests: a client a little over its budget still gets its budget every window', async () => {
    const limiter = memoryRateLimiter({ requests: 20, windowSeconds: WINDOW });
    const servedPerMinute: number[] = [];
    // 22 requests a minute, evenly spaced, for ten minutes
    for (let minute = 0; minute < 10; minute++) {
      let served = 0;
      for (let i = 0; i < 22; i++) {
        vi.setSystemTime(((6000 + minute) * WINDOW + (i * WINDOW) / 22) * 1000);
        if ((await limiter.hit('eager')) === null) served += 1;
      }
      servedPerMinute.push(served);
    }
    // past the first minute, about the budget: not zero, as when refused requests counted
    for (const served of servedPerMinute.slice(1)) expect(served).toBeGreaterThanOrEqual(18);
    expect(Math.max(...servedPerMinute)).toBeLessThanOrEqual(22);
  });

  it('keeps memory bounded: past its bound of keys a window\'s counts are dropped', () => {
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
      const window = Math.floor(Date.now() / 1000 / WINDOW) + 1;
      at(window, 2);
      const refused = await one.hit(key);
      expect(refused?.retryAfterSeconds).toBeGreaterThan(0);
      // refused requests are not counted, and the one after Retry-After is served
      for (let i = 0; i < 5; i++) expect(await two.hit(key)).not.toBeNull();
      at(window, 2 + refused!.retryAfterSeconds);
      expect(await two.hit(key)).toBeNull();
    } finally {
      redis.disconnect();
    }
  });
});
