/** The edge: what every GraphQL request meets first, as plugins with one job each (plugins/), in the order they run. */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { Identity } from '../contracts/identity.js';
import type { Logger } from '../platform/logger.js';
import type { BlockList } from 'node:net';
import type { AuthFailureLimit } from './client-address.js';
import type { RateLimiter } from './rate-limit.js';
import type { QueryStore } from './query-store.js';
import { useAnalystReadOnly } from './plugins/useAnalystReadOnly.js';
import { useAuthentication } from './plugins/useAuthentication.js';
import { usePersistedOperations } from './plugins/usePersistedOperations.js';
import { useRateLimit } from './plugins/useRateLimit.js';
import { useRefuseBatching } from './plugins/useRefuseBatching.js';
import { useRequestId } from './plugins/useRequestId.js';
import { useScope } from './plugins/useScope.js';

/** What the edge asks of the key store and the persisted operation store (gateway/keys, gateway/operations). */
export interface EdgeStores {
  /** The identity an API key carries; null for an unknown or revoked key. */
  authenticate(presented: string): Promise<Identity | null>;
  /** The body of a persisted operation a tenant may run (the project's manifest or the tenant's own), by id. */
  findOperation(tenant: string | null, id: string): Promise<string | null>;
}

export interface EdgeOptions extends EdgeStores {
  mode: 'production' | 'development';
  rateLimiter: RateLimiter;
  /** Automatic persisted queries of non-partner callers, by sha256. */
  apq: QueryStore;
  /** Failed authentications per client address (before any key is looked up), and whose x-forwarded-for to believe. */
  addresses: { limit: AuthFailureLimit; trustedProxies: BlockList };
  logger: Logger;
}

/**
 * The edge of every GraphQL request, before anything is parsed or any subgraph is called, as
 * plugins with one job each, in the order they run (plugins/):
 * one operation per request; a request id; the caller's identity from its API key; the rate
 * limit per key; persisted operations and APQ; analysts read-only; the scope (identity, request
 * id) on the gateway context, where every subgraph fetch reads it.
 */
export function useEdge(options: EdgeOptions): GatewayPlugin[] {
  return [
    useRefuseBatching(),
    useRequestId(),
    useAuthentication({ mode: options.mode, authenticate: options.authenticate, addresses: options.addresses }),
    useRateLimit(options.rateLimiter),
    usePersistedOperations({ findOperation: options.findOperation, apq: options.apq }),
    useAnalystReadOnly(),
    useScope(),
  ];
}
