/**
 * Plugin: persisted operations and automatic persisted queries. Partners run registered
 * persisted operations only (by `documentId` or `extensions.persistedQuery.sha256Hash`); other
 * roles may send free text, run a registered operation by `documentId`, and use automatic
 * persisted queries, kept per tenant (apqKey).
 *
 * Not on the runtime's own `persistedDocuments` hooks: those decide before the caller is known
 * (a partner's free text must be refused, other roles' allowed) and keep one APQ store for all
 * callers, where a hash must not run across tenants.
 */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { apqKey, edgeError } from '../edge-checks.js';
import { operationId } from '../operations/manifest.js';
import type { QueryStore } from '../query-store.js';
import { rememberRegisteredOperation, scopeOfRequest } from '../scope.js';

/** The longest query text kept as an automatic persisted query (longer ones run, unstored). */
const MAX_APQ_QUERY_LENGTH = 100_000;
/** A persisted operation id: sha256 in hex, `sha256:` prefix allowed (as Apollo's tools write it). */
const SHA256 = /^(sha256:)?[a-f0-9]{64}$/;

export interface PersistedOperationsOptions {
  /** The body of a persisted operation a tenant may run (the project's manifest or the tenant's own), by id. */
  findOperation(tenant: string | null, id: string): Promise<string | null>;
  /** Automatic persisted queries of non-partner callers. */
  apq: QueryStore;
}

/** What a client may send: the GraphQL-over-HTTP parameters, and `documentId` (ours to read: the runtime refuses parameters it does not know). */
interface SentParams {
  query?: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  extensions?: { persistedQuery?: { sha256Hash?: unknown } } & Record<string, unknown>;
  documentId?: unknown;
}

export function usePersistedOperations(options: PersistedOperationsOptions): GatewayPlugin {
  return {
    async onParams({ request, params, setParams }) {
      const scope = scopeOfRequest(request);
      if (!scope) throw new Error('usePersistedOperations runs after useAuthentication');
      const { identity } = scope;
      const { documentId, ...sent } = params as SentParams;
      const hash: unknown = documentId ?? sent.extensions?.persistedQuery?.sha256Hash;
      if (hash !== undefined && (typeof hash !== 'string' || !SHA256.test(hash))) {
        throw edgeError('A persisted operation id must be a lowercase hex sha256 (optionally prefixed sha256:)', 'BAD_USER_INPUT', 400);
      }
      const registered = async (code: string, message: string) => {
        const body = typeof hash === 'string' ? await options.findOperation(identity.tenant, hash) : null;
        if (!body) throw edgeError(message, code, 400);
        rememberRegisteredOperation(request);
        setParams({ ...sent, query: body });
      };
      if (identity.role === 'partner') {
        if (typeof sent.query === 'string' && sent.query.length > 0) {
          throw edgeError('This key runs registered persisted operations only: send the operation id, not its text', 'PERSISTED_QUERY_NOT_IN_LIST', 400);
        }
        return registered('PERSISTED_QUERY_NOT_IN_LIST', 'The operation is not in the persisted operations registered for this tenant');
      }
      if (typeof hash !== 'string') return;
      if (documentId !== undefined) return registered('PERSISTED_QUERY_NOT_FOUND', 'No persisted operation has this id');
      // automatic persisted queries: a hash alone asks for a stored query; hash and text store it
      if (typeof sent.query === 'string' && sent.query.length > 0) {
        if (operationId(sent.query) !== hash) {
          throw edgeError('extensions.persistedQuery.sha256Hash is not the sha256 of the query', 'BAD_USER_INPUT', 400);
        }
        // stored before the limits see it: a bound keeps the shared cache from holding huge texts
        if (sent.query.length <= MAX_APQ_QUERY_LENGTH) await options.apq.set(apqKey(identity, hash), sent.query);
        return;
      }
      const query = await options.apq.get(apqKey(identity, hash));
      // Apollo clients answer this code by sending the text with the hash
      if (!query) throw edgeError('PersistedQueryNotFound', 'PERSISTED_QUERY_NOT_FOUND', 200);
      setParams({ ...sent, query });
    },
  };
}
