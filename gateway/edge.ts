import { randomUUID } from 'node:crypto';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError, Kind, getOperationAST, type DocumentNode } from 'graphql';
import { DEVELOPMENT_ANALYST, type Identity } from '../subgraphs/shared/identity.js';
import type { Logger } from '../subgraphs/shared/logger.js';
import { operationId } from './operations/manifest.js';
import type { BlockList } from 'node:net';
import { clientAddress, peerOf, type AuthFailureLimit } from './client-address.js';
import type { RateLimiter } from './rate-limit.js';
import { rememberRegisteredOperation, rememberScope, SCOPE_KEY, scopeOfRequest } from './scope.js';
import type { QueryStore } from './query-store.js';

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

/** A request id a client may set (to trace its call through our logs), bounded and printable. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const MAX_KEY_LENGTH = 256;
/** The longest query text kept as an automatic persisted query (longer ones run, unstored). */
const MAX_APQ_QUERY_LENGTH = 100_000;
/** A persisted operation id: sha256 in hex, `sha256:` prefix allowed (as Apollo's tools write it). */
const SHA256 = /^(sha256:)?[a-f0-9]{64}$/;

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
 * The edge of every GraphQL request, before anything is parsed or any subgraph is called:
 * a request id; the caller's identity from its API key (none: the development analyst in
 * development, 401 in production); the rate limit per key; then the operation itself: partners
 * run persisted operations only (by `documentId` or `extensions.persistedQuery.sha256Hash`), other
 * roles may send free text and use automatic persisted queries. The scope (identity, request id)
 * rides on the gateway context to every subgraph fetch.
 */
export function useEdge(options: EdgeOptions): GatewayPlugin {
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

  async function resolveOperation(request: Request, identity: Identity, params: Record<string, any>): Promise<Record<string, any>> {
    const persistedQuery = params.extensions?.persistedQuery;
    const hash: unknown = params.documentId ?? persistedQuery?.sha256Hash;
    if (hash !== undefined && (typeof hash !== 'string' || !SHA256.test(hash))) {
      throw edgeError('A persisted operation id must be a lowercase hex sha256 (optionally prefixed sha256:)', 'BAD_USER_INPUT', 400);
    }
    if (identity.role === 'partner') {
      if (typeof params.query === 'string' && params.query.length > 0) {
        throw edgeError('This key runs registered persisted operations only: send the operation id, not its text', 'PERSISTED_QUERY_NOT_IN_LIST', 400);
      }
      const body = hash ? await options.findOperation(identity.tenant, hash) : null;
      if (!body) throw edgeError('The operation is not in the persisted operations registered for this tenant', 'PERSISTED_QUERY_NOT_IN_LIST', 400);
      rememberRegisteredOperation(request);
      return { ...params, query: body };
    }
    if (typeof hash !== 'string') return params;
    if (params.documentId !== undefined) {
      const body = await options.findOperation(identity.tenant, hash);
      if (!body) throw edgeError('No persisted operation has this id', 'PERSISTED_QUERY_NOT_FOUND', 400);
      rememberRegisteredOperation(request);
      return { ...params, query: body };
    }
    // automatic persisted queries: a hash alone asks for a stored query; hash and text store it
    if (typeof params.query === 'string' && params.query.length > 0) {
      if (operationId(params.query) !== hash) {
        throw edgeError('extensions.persistedQuery.sha256Hash is not the sha256 of the query', 'BAD_USER_INPUT', 400);
      }
      // stored before the limits see it: a bound keeps the shared cache from holding huge texts
      if (params.query.length <= MAX_APQ_QUERY_LENGTH) await options.apq.set(apqKey(identity, hash), params.query);
      return params;
    }
    const query = await options.apq.get(apqKey(identity, hash));
    // Apollo clients answer this code by sending the text with the hash
    if (!query) throw edgeError('PersistedQueryNotFound', 'PERSISTED_QUERY_NOT_FOUND', 200);
    return { ...params, query };
  }

  return {
    onRequestParse() {
      return {
        onRequestParseDone({ requestParserResult }) {
          if (Array.isArray(requestParserResult)) {
            throw edgeError('Batched operations are not supported: send one operation per request', 'BATCHING_NOT_SUPPORTED', 400);
          }
        },
      };
    },
    async onParams({ request, params, setParams, context }) {
      const header = request.headers.get('x-request-id');
      const requestId = header && CLIENT_REQUEST_ID.test(header) ? header : randomUUID();
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
      const limited = await options.rateLimiter.hit(identity.keyId ?? 'anonymous');
      if (limited) {
        throw edgeError(`Rate limit exceeded: try again in ${limited.retryAfterSeconds} s`, 'RATE_LIMITED', 429, { 'retry-after': String(limited.retryAfterSeconds) });
      }
      rememberScope(request, { identity, requestId });
      // documentId is ours to read: the runtime refuses parameters it does not know
      const { documentId: _documentId, ...resolved } = await resolveOperation(request, identity, params as Record<string, any>);
      setParams(resolved as typeof params);
    },
    // thrown, not set as the validation result: the runtime's validation cache (by document,
    // not by operation name or caller) answers after this hook and would override it
    onValidate({ params, context }) {
      const scope = scopeOfRequest((context as { request: Request }).request);
      const operationName = (context as { params?: { operationName?: string } }).params?.operationName;
      const refused = scope ? refuseWrites(scope.identity, params.documentAST, operationName) : null;
      if (refused) throw refused;
    },
    onContextBuilding({ context, extendContext }) {
      const scope = scopeOfRequest(context.request);
      if (scope) extendContext({ [SCOPE_KEY]: scope } as never);
    },
    onResponse({ request, response }) {
      const scope = scopeOfRequest(request);
      if (scope) response.headers.set('x-request-id', scope.requestId);
    },
  };
}
