/** With Redis down, rate limiting falls back to per-process counts at once and the outage is logged once. */
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { memoryRateLimiter, redisRateLimiter } from './rate-limit.js';
import { connectSharedState, resilientRateLimiter } from './shared-state.js';

it('falls back to a per-process limit at once when Redis is down, logging the outage once', async () => {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const state = connectSharedState('redis://127.0.0.1:1', logger);
  try {
    const limit = { requests: 5, windowSeconds: 60 };
    const limiter = resilientRateLimiter(state, redisRateLimiter(state.redis, limit), memoryRateLimiter(limit));
    const answers = [];
    for (let i = 0; i < 30; i++) answers.push(await limiter.hit('key'));
    expect(answers.filter((a) => a === null)).toHaveLength(5);
    expect(state.degraded()).toBe(true);
    // reconnect attempts go on in the background: still one line
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(lines.filter((l) => l.level >= 40).map((l) => l.msg)).toEqual([expect.stringMatching(/redis unavailable/)]);
  } finally {
    await state.close();
  }
});
