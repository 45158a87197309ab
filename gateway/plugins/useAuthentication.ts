/**
 * Plugin: the caller's identity from its API key (none: the development analyst in development,
 * 401 in production), after the failed-authentication budget of the client's address; the
 * request's scope (identity, request id) is remembered for the plugins after it and the fetches.
 */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { BlockList } from 'node:net';
import { DEVELOPMENT_ANALYST, type Identity } from '../../contracts/identity.js';
import { clientAddress, peerOf, type AuthFailureLimit } from '../client-address.js';
import { edgeError, presentedKey } from '../edge-checks.js';
import { rememberScope } from '../scope.js';
import { requestIdOf } from './useRequestId.js';

const MAX_KEY_LENGTH = 256;

export interface AuthenticationOptions {
  mode: 'production' | 'development';
  /** The identity an API key carries; null for an unknown or revoked key. */
  authenticate(presented: string): Promise<Identity | null>;
  /** Failed authentications per client address (before any key is looked up), and whose x-forwarded-for to believe. */
  addresses: { limit: AuthFailureLimit; trustedProxies: BlockList };
}

export function useAuthentication(options: AuthenticationOptions): GatewayPlugin {
  async function identify(request: Request): Promise<Identity> {
    const key = presentedKey(request.headers);
    if (!key) {
      if (options.mode === 'production') throw edgeError('An API key is required: send "authorization: Bearer <key>" or "x-api-key: <key>"', 'UNAUTHENTICATED', 401);
      return DEVELOPMENT_ANALYST;
    }
    const identity = key.length <= MAX_KEY_LENGTH ? await options.authenticate(key) : null;
    if (!identity) throw edgeError('The API key is unknown or revoked', 'UNAUTHENTICATED', 401);
    return identity;
  }

  return {
    async onParams({ request, context }) {
      const address = clientAddress(peerOf(context), request.headers.get('x-forwarded-for'), options.addresses.trustedProxies);
      const wait = options.addresses.limit.refused(address);
      if (wait !== null) {
        throw edgeError(`Too many requests with missing, unknown or malformed API keys from this address: try again in ${wait} s`, 'RATE_LIMITED', 429, { 'retry-after': String(wait) });
      }
      let identity: Identity;
      try {
        identity = await identify(request);
      } catch (error) {
        options.addresses.limit.failed(address);
        throw error;
      }
      rememberScope(request, { identity, requestId: requestIdOf(request) });
    },
  };
}
