/** The edge: what every GraphQL request meets first, as plugins with one job each (plugins/), and the helpers they share. */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError, Kind, getOperationAST, type DocumentNode } from 'graphql';
import type { Identity } from '../subgraphs/shared/identity.js';
import type { Logger } from '../subgraphs/shared/logger.js';
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

export function edgeError(message: string, code: string, status: number, headers?: Record<string, string>): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status, ...(headers ? { headers } : {}) } } });
}

/**
 * Analysts are read-only (the development default without a key included): a mutation or a
 * subscription from one is FORBIDDEN, whatever the schema offers.
 */
export function refuseWrites(identity: Identity, document: DocumentNode, operationName?: string | null): GraphQLError | null {
  if (identity.role !== 'analyst') return null;
  const operation = getOperationAST(document, operationName ?? undefined);
  const kind = operation?.operation ?? document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)?.operation;
  if (!kind || kind === 'query') return null;
  return new GraphQLError(`An analyst's key is read-only: it may not run a ${kind}`, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
}

/** The key a client presented: `authorization: Bearer <key>` or `x-api-key: <key>`. */
export function presentedKey(headers: Headers): string | null {
  const authorization = headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw edgeError('The authorization header must be "Bearer <API key>"', 'UNAUTHENTICATED', 401);
    return match[1]!;
  }
  return headers.get('x-api-key')?.trim() || null;
}

/**
 * An automatic persisted query is kept per tenant (per key for callers without one): a hash that
 * runs for one tenant would tell another that someone sent that exact text. Apollo clients send
 * the text again on PERSISTED_QUERY_NOT_FOUND, so the cost is one round trip per tenant.
 */
export function apqKey(identity: Identity, hash: string): string {
  const owner = identity.tenant !== null ? `tenant:${identity.tenant}` : identity.keyId !== null ? `key:${identity.keyId}` : 'anonymous';
  return `${encodeURIComponent(owner)}:${hash.replace(/^sha256:/, '')}`;
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
