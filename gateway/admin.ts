/** The edge's admin API at POST /admin (keys, tenants' manifests), admins only, each change one audit line; never in the supergraph. */
import { buildSchema, graphql, GraphQLError, type ExecutionResult } from 'graphql';
import type { Identity } from '../contracts/identity.js';
import type { Logger } from '../platform/logger.js';
import { readPage, toConnection } from '../platform/pagination.js';
import type { createKeyStore } from './keys/store.js';
import { InvalidInput } from './keys/validate.js';
import { parseManifest } from './operations/manifest.js';
import type { createPersistedOperations } from './operations/store.js';

/**
 * The edge's own administration, served by the gateway at POST /admin (not part of the
 * supergraph: no subgraph ever sees a key or a tenant's manifest). An admin's key only; every
 * change is one audit line in the log (who, what, which key or tenant; never a key itself).
 */
export const ADMIN_SDL = /* GraphQL */ `
"Reads of the edge's administration."
type Query {
  "API keys in creation order: ids, roles and tenants, never the keys themselves (they are not stored)."
  apiKeys(
    "Only this tenant's keys."
    tenant: String
    "How many keys to return, at most 100."
    first: Int = 50
    "The cursor of the last key already seen (a pageInfo.endCursor)."
    after: String
  ): ApiKeyConnection!
  "Tenants' registered persisted operations, by tenant then name."
  registeredOperations(
    "Only this tenant's operations."
    tenant: String
    "How many operations to return, at most 100."
    first: Int = 50
    "The cursor of the last operation already seen (a pageInfo.endCursor)."
    after: String
  ): RegisteredOperationConnection!
}

"Changes to the edge's keys and operations; each one is written to the audit log."
type Mutation {
  "Creates an API key. The answer holds the key itself, shown this once: store it now."
  createApiKey(
    "partner, frontend, analyst or admin."
    role: String!
    "The tenant a partner's or frontend's key acts for (1 to 63 of a-z, 0-9 and -); none for analyst and admin keys."
    tenant: String
    "A label for people, e.g. the integration that uses it."
    name: String
  ): CreatedApiKey!
  "Revokes a key, by its id (key_…) or by the key itself: every gateway refuses it within a second. False when no active key matches."
  revokeApiKey("The key's id, or the key." idOrKey: String!): Boolean!
  "Replaces a tenant's persisted operations with a manifest, whole or not at all (each operation is checked against the supergraph first)."
  registerOperations(
    "The tenant whose partners may run these operations."
    tenant: String!
    "The manifest as JSON text, in Apollo's persisted query manifest format (version 1)."
    manifest: String!
  ): RegisterOperationsResult!
}

"An API key as an admin sees it."
type ApiKey {
  "The key's id (key_ and 12 hex digits): how lists and revocations name it."
  id: ID!
  "partner, frontend, analyst or admin."
  role: String!
  "The tenant it acts for; null for the aggregator's staff."
  tenant: String
  "Its label."
  name: String
  "When it was created (ISO 8601)."
  createdAt: String!
  "When it was revoked (ISO 8601); null while active."
  revokedAt: String
}

"A key just created."
type CreatedApiKey {
  "The new key's description."
  apiKey: ApiKey!
  "The key itself (ng_…): shown only in this answer."
  key: String!
}

"A page of API keys."
type ApiKeyConnection {
  "The keys of this page."
  edges: [ApiKeyEdge!]!
  "Whether another page follows, and the cursor to ask for it."
  pageInfo: PageInfo!
}

"One key in a page."
type ApiKeyEdge {
  "The key's position, for after."
  cursor: String!
  "The key."
  node: ApiKey!
}

"A tenant's registered persisted operation."
type RegisteredOperation {
  "The tenant it is registered for."
  tenant: String!
  "Its id: the sha256 of its body, in hex."
  id: ID!
  "The operation's name."
  name: String!
  "query, mutation or subscription."
  type: String!
  "When it was registered (ISO 8601)."
  registeredAt: String!
}

"A page of registered operations."
type RegisteredOperationConnection {
  "The operations of this page."
  edges: [RegisteredOperationEdge!]!
  "Whether another page follows, and the cursor to ask for it."
  pageInfo: PageInfo!
}

"One registered operation in a page."
type RegisteredOperationEdge {
  "The operation's position, for after."
  cursor: String!
  "The operation."
  node: RegisteredOperation!
}

"Where a page ends."
type PageInfo {
  "Whether more follow."
  hasNextPage: Boolean!
  "The cursor of the page's last item."
  endCursor: String
}

"What a registration did."
type RegisterOperationsResult {
  "The tenant."
  tenant: String!
  "True when the manifest was registered; false when an operation was refused (then nothing changed)."
  registered: Boolean!
  "How many operations the tenant now has (0 when refused)."
  operations: Int!
  "How many operations the registration replaced."
  replaced: Int!
  "Why operations were refused, one line each."
  refusals: [String!]!
}
`;

export interface AdminStores {
  keys: ReturnType<typeof createKeyStore>;
  operations: ReturnType<typeof createPersistedOperations>;
}

const schema = buildSchema(ADMIN_SDL);

/** Runs one admin request for `identity` (already authenticated); refuses anyone but an admin. */
export async function executeAdmin(stores: AdminStores, identity: Identity, body: { query?: unknown; variables?: unknown; operationName?: unknown }, logger: Logger, requestId: string): Promise<{ status: number; result: ExecutionResult }> {
  if (identity.role !== 'admin') {
    return { status: 403, result: { errors: [new GraphQLError('The administration answers admin keys only', { extensions: { code: 'FORBIDDEN' } })] } };
  }
  if (typeof body.query !== 'string' || body.query.length === 0) {
    return { status: 400, result: { errors: [new GraphQLError('The request needs a "query" string', { extensions: { code: 'BAD_REQUEST' } })] } };
  }
  const audit = (action: string, detail: Record<string, unknown>) => logger.info({ audit: true, action, by: identity.keyId, requestId, ...detail }, `audit: ${action}`);
  const guarded = <A, R>(run: (args: A) => Promise<R>) => async (args: A): Promise<R> => {
    try {
      return await run(args);
    } catch (error) {
      if (error instanceof InvalidInput) throw new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT' } });
      throw error;
    }
  };
  const rootValue = {
    apiKeys: guarded(async (args: { tenant?: string | null; first?: number; after?: string | null }) => {
      const page = readPage('Admin.apiKeys', args, 50);
      const all = await stores.keys.list(args.tenant == null ? {} : { tenant: args.tenant });
      const rows = all.filter((k) => page.afterKey === null || k.id > page.afterKey).sort((a, b) => a.id.localeCompare(b.id)).slice(0, page.limit);
      return toConnection(rows, page, (k) => k.id, async () => all.length);
    }),
    registeredOperations: guarded(async (args: { tenant?: string | null; first?: number; after?: string | null }) => {
      const page = readPage('Admin.registeredOperations', args, 50);
      const keyOf = (o: { tenant: string; id: string }) => `${o.tenant}\u0001${o.id}`;
      const all = await stores.operations.list(args.tenant == null ? {} : { tenant: args.tenant });
      const rows = all.filter((o) => page.afterKey === null || keyOf(o) > page.afterKey).sort((a, b) => keyOf(a).localeCompare(keyOf(b))).slice(0, page.limit);
      return toConnection(rows, page, keyOf, async () => all.length);
    }),
    createApiKey: guarded(async (args: { role: string; tenant?: string | null; name?: string | null }) => {
      const { id, key } = await stores.keys.create({ role: args.role, tenant: args.tenant ?? null, name: args.name ?? null });
      const [apiKey] = (await stores.keys.list(args.tenant == null ? {} : { tenant: args.tenant })).filter((k) => k.id === id);
      audit('api key created', { keyId: id, role: args.role, tenant: args.tenant ?? null });
      return { apiKey, key };
    }),
    revokeApiKey: guarded(async (args: { idOrKey: string }) => {
      const revoked = await stores.keys.revoke(args.idOrKey);
      // a key itself never goes to the log: only an id does
      const named = args.idOrKey.startsWith('key_') ? args.idOrKey.slice(0, 20) : '(the key itself)';
      if (revoked) audit('api key revoked', { key: named });
      return revoked;
    }),
    registerOperations: guarded(async (args: { tenant: string; manifest: string }) => {
      let json: unknown;
      try {
        json = JSON.parse(args.manifest);
      } catch (error) {
        throw new InvalidInput(`manifest is not JSON: ${(error as Error).message}`);
      }
      const result = await stores.operations.register(args.tenant, parseManifest(json));
      if (!result.ok) {
        return { tenant: result.tenant, registered: false, operations: 0, replaced: 0, refusals: result.refusals.map((r) => `${r.name} (${r.id.slice(0, 12)}…): ${r.reason}`) };
      }
      audit('operations registered', { tenant: result.tenant, operations: result.registered, replaced: result.replaced });
      return { tenant: result.tenant, registered: true, operations: result.registered, replaced: result.replaced, refusals: [] };
    }),
  };
  const result = await graphql({
    schema,
    source: body.query,
    rootValue,
    variableValues: body.variables && typeof body.variables === 'object' ? (body.variables as Record<string, unknown>) : null,
    operationName: typeof body.operationName === 'string' ? body.operationName : null,
  });
  const errors = result.errors?.map((error) => {
    const code = error.extensions?.code;
    if (code || !error.originalError) return error; // the client's mistake (a syntax or validation error, bad input)
    logger.error({ err: error.originalError, requestId }, 'admin request failed');
    return new GraphQLError('Internal server error', { path: error.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });
  return { status: 200, result: { ...result, ...(errors ? { errors } : {}) } };
}
