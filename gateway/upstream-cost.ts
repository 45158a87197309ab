/**
 * The budget of provider calls per key: what each field that calls providers costs upstream is
 * its `@cost(weight:)` (cost-directives.ts), the provider calls one selection of it can cause (a
 * search asks every provider of the market, splitting truncated pages; `live` one status call
 * per number at most; a mutation one call per number it takes).
 */
import { slidingWindowCounts } from './rate-limit.js';

/**
 * Upstream calls each key may cause in any minute (a sliding window), as the limits estimate them, counted in this
 * process (each gateway process grants its own budget). `spend` answers how long until the key
 * may again, or null when the calls fit.
 */
export function upstreamBudget(perMinute: number) {
  const spent = slidingWindowCounts(60);
  return {
    spend(key: string, calls: number): number | null {
      if (calls <= 0) return null;
      // more than a minute's budget never fits: a minute, as before (MAX_UPSTREAM_CALLS bounds one request)
      if (spent.get(key) + calls > perMinute) return spent.retryAfter(key, perMinute, calls) ?? 60;
      spent.add(key, calls);
      return null;
    },
  };
}
export type UpstreamBudget = ReturnType<typeof upstreamBudget>;
