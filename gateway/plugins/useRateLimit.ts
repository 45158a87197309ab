/** Plugin: the rate limit per API key (the anonymous development analyst shares one), 429 with retry-after past it. */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { edgeError } from '../edge-checks.js';
import type { RateLimiter } from '../rate-limit.js';
import { scopeOfRequest } from '../scope.js';

export function useRateLimit(rateLimiter: RateLimiter): GatewayPlugin {
  return {
    async onParams({ request }) {
      const scope = scopeOfRequest(request);
      if (!scope) throw new Error('useRateLimit runs after useAuthentication');
      const limited = await rateLimiter.hit(scope.identity.keyId ?? 'anonymous');
      if (limited) {
        throw edgeError(`Rate limit exceeded: try again in ${limited.retryAfterSeconds} s`, 'RATE_LIMITED', 429, { 'retry-after': String(limited.retryAfterSeconds) });
      }
    },
  };
}
