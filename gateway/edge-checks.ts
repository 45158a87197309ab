/** What the edge's plugins share: how they refuse a request, the key a client presented, analysts' read-only rule, the APQ key per tenant. */
import { GraphQLError, Kind, getOperationAST, type DocumentNode } from 'graphql';
import type { Identity } from '../contracts/identity.js';

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

