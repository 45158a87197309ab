/** Redis as a fallible dependency (timeouts, circuit breaker), with rate limiter and APQ store falling back to process memory. */
import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';
import { Redis } from 'ioredis';
import { redact } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import type { QueryStore } from './query-store.js';
import type { RateLimiter } from './rate-limit.js';

/** A Redis that does not answer within these is treated as down for the request at hand. */
export const REDIS_CONNECT_TIMEOUT_MS = 1_000;
export const REDIS_COMMAND_TIMEOUT_MS = 250;
/** Consecutive failed commands that open the circuit, and how long it stays open before one probe. */
const FAILURES_TO_OPEN = 3;
const HALF_OPEN_AFTER_MS = 5_000;

/**
 * Redis as a dependency that can fail: what gateway processes share (APQ, rate-limit counters)
 * is worth a round trip, never a request. Commands fail at once while Redis is not connected (no
 * offline queue to grow), wait at most REDIS_COMMAND_TIMEOUT_MS, and after a few failures a
 * circuit stops calling it at all until a probe succeeds; meanwhile each user falls back to this
 * process's memory. One log line per change of state, never one per request or reconnect.
 */
export interface SharedState {
  redis: Redis;
  /** Runs a Redis command, or throws at once while Redis is known to be down. */
  run<T>(command: (redis: Redis) => Promise<T>): Promise<T>;
  /** True while this process works from its own memory instead of Redis. */
  degraded(): boolean;
  close(): Promise<void>;
}

export function connectSharedState(url: string, logger: Logger): SharedState {
  const redis = new Redis(url, {
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // keep reconnecting in the background, at most every 5 s
    retryStrategy: (attempt) => Math.min(attempt * 250, 5_000),
  });
  const breaker: CircuitBreakerPolicy = circuitBreaker(handleAll, { halfOpenAfter: HALF_OPEN_AFTER_MS, breaker: new ConsecutiveBreaker(FAILURES_TO_OPEN) });
  const where = redact(url);
  let reportedDegraded: boolean | null = null;
  const degraded = () => redis.status !== 'ready' || breaker.state === CircuitState.Open;
  const report = () => {
    const now = degraded();
    if (now === reportedDegraded) return;
    // the first state is worth a line only when it is bad
    if (now) logger.warn({ redis: where }, 'redis unavailable: rate limits per process, APQ in this process\'s memory until it is back');
    else if (reportedDegraded !== null) logger.info({ redis: where }, 'redis available again: rate limits and APQ shared');
    reportedDegraded = now;
  };
  // connection errors repeat with every reconnect: the state changes above are what gets logged
  redis.on('error', (error) => logger.debug({ err: error, redis: where }, 'redis error'));
  for (const event of ['ready', 'close', 'end', 'reconnecting'] as const) redis.on(event, report);
  breaker.onStateChange(report);
  // a Redis that never answers at start is degraded from the first request on
  const firstCheck = setTimeout(report, REDIS_CONNECT_TIMEOUT_MS + 100);
  firstCheck.unref();
  return {
    redis,
    run: (command) => {
      if (redis.status !== 'ready') return Promise.reject(new Error('redis is not connected'));
      return breaker.execute(() => command(redis));
    },
    degraded,
    close: async () => {
      clearTimeout(firstCheck);
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * A rate limiter that counts in Redis while it answers, else in this process's memory: a dead
 * Redis makes the limit per process, never off.
 */
export function resilientRateLimiter(state: SharedState, shared: RateLimiter, local: RateLimiter): RateLimiter {
  return {
    async hit(...args) {
      if (state.degraded()) return local.hit(...args);
      try {
        return await state.run(() => shared.hit(...args));
      } catch {
        // Redis failed this once (the state change is logged): count here
        return local.hit(...args);
      }
    },
  };
}

/**
 * APQ in Redis while it answers, else in memory: every text registered is also kept in this
 * process's bounded memory store, so a hash registered during an outage (or just before it) is
 * still found here.
 */
export function resilientQueryStore(state: SharedState, shared: QueryStore, local: QueryStore): QueryStore {
  return {
    async get(...args) {
      if (!state.degraded()) {
        try {
          const found = await state.run(() => shared.get(...args));
          if (found !== null) return found;
        } catch {
          // Redis failed this once: this process's memory may still know the hash
        }
      }
      return local.get(...args);
    },
    async set(...args) {
      await local.set(...args);
      if (state.degraded()) return;
      // kept in memory already: a failed write only means other processes will ask for the text
      await state.run(() => shared.set(...args)).catch(() => undefined);
    },
  };
}
