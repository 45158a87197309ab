/** The persisted operation store: bodies by id from the project manifest or a tenant's registered one, and registration of a manifest. */
import { sql, type Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { GraphQLSchema } from 'graphql';
import { EDGE_SCHEMA, edgeTables } from '../edge-db.js';
import { parseTenant } from '../keys/validate.js';
import { apiSchemaOf, checkOperations, type OperationRefusal } from './check.js';
import { parseManifest, type Manifest, type ManifestOperation, type OperationType } from './manifest.js';

/** What the gateway needs: the body of a persisted operation a caller may run, by its id. */
export interface PersistedOperations {
  /**
   * The operation's body when `id` (sha256 hex, `sha256:` prefix allowed) is in the project's
   * manifest, or in `tenant`'s registered one; null otherwise (and for a malformed id).
   */
  find(tenant: string | null, id: string): Promise<string | null>;
}

export type RegisterResult =
  | { ok: true; tenant: string; registered: number; replaced: number }
  | { ok: false; tenant: string; refusals: OperationRefusal[] };

export interface RegisteredOperation {
  tenant: string;
  id: string;
  name: string;
  type: OperationType;
  registeredAt: string;
}

/**
 * How long a process trusts what it read about a tenant's operation. Registering in this
 * process takes effect at once; from another process (the CLI) within at most this long.
 */
export const OPERATION_CACHE_TTL_MS = 1_000;
const ID = /^[0-9a-f]{64}$/;

export function createPersistedOperations(
  db: Kysely<any>,
  projectManifest: Manifest,
  supergraphSdl: string,
): PersistedOperations & {
  register(tenant: string, manifest: Manifest): Promise<RegisterResult>;
  list(filter?: { tenant?: string }): Promise<RegisteredOperation[]>;
} {
  const edge = edgeTables(db);
  const project = new Map(projectManifest.operations.map((o) => [o.id, o.body]));
  const cache = new LRUCache<string, { body: string | null }>({ max: 10_000, ttl: OPERATION_CACHE_TTL_MS });
  // Bumped by every registration made here, so that a lookup begun before it cannot cache
  // what it read after the registration cleared the cache.
  let generation = 0;
  // Built on first registration: deriving the API schema takes a moment, and the gateway's
  // lookups never need it.
  let schema: GraphQLSchema | null = null;

  return {
    async find(tenant, presentedId) {
      const id = presentedId.startsWith('sha256:') ? presentedId.slice('sha256:'.length) : presentedId;
      if (!ID.test(id)) return null;
      const own = project.get(id);
      if (own !== undefined) return own;
      if (tenant === null) return null;
      const key = `${tenant}\n${id}`;
      const cached = cache.get(key);
      if (cached) return cached.body;
      const readAt = generation;
      const row = await edge.selectFrom('tenant_operations').select('body').where('tenant', '=', tenant).where('id', '=', id).executeTakeFirst();
      const body: string | null = row?.body ?? null;
      if (readAt === generation) cache.set(key, { body });
      return body;
    },

    async register(tenantInput, input) {
      const tenant = parseTenant(tenantInput);
      // Shape and bounds again, whoever built the manifest: registration is the door to the table.
      const manifest = parseManifest(input);
      schema ??= apiSchemaOf(supergraphSdl);
      const refusals = checkOperations(schema, manifest.operations);
      if (refusals.length > 0) return { ok: false, tenant, refusals };
      // One transaction: a registration replaces the tenant's manifest whole, or changes nothing.
      const replaced = await db.transaction().execute(async (trx) => {
        const tables = edgeTables(trx);
        const removed = await tables.deleteFrom('tenant_operations').where('tenant', '=', tenant).executeTakeFirst();
        if (manifest.operations.length > 0) {
          await tables
            .insertInto('tenant_operations')
            .values(manifest.operations.map((o) => ({ tenant, id: o.id, name: o.name, type: o.type, body: o.body })))
            .execute();
        }
        return Number(removed.numDeletedRows);
      });
      generation += 1;
      cache.clear();
      return { ok: true, tenant, registered: manifest.operations.length, replaced };
    },

    async list(filter = {}) {
      let query = edge.selectFrom('tenant_operations').select(['tenant', 'id', 'name', 'type', 'registered_at']).orderBy('tenant').orderBy('name');
      if (filter.tenant !== undefined) query = query.where('tenant', '=', parseTenant(filter.tenant));
      const rows = await query.execute();
      return rows.map((r) => ({ tenant: r.tenant, id: r.id, name: r.name, type: r.type, registeredAt: new Date(r.registered_at).toISOString() }));
    },
  };
}

/**
 * Every tenant's registered operations, bodies included (for `npm run compose` to check a new
 * supergraph against). Empty when the edge's tables do not exist yet.
 */
export async function readRegisteredOperations(db: Kysely<any>): Promise<{ tenant: string; operation: ManifestOperation }[]> {
  const { rows } = await sql<{ present: string | null }>`select to_regclass(${`${EDGE_SCHEMA}.tenant_operations`})::text as present`.execute(db);
  if (!rows[0]?.present) return [];
  const registered = await edgeTables(db).selectFrom('tenant_operations').select(['tenant', 'id', 'name', 'type', 'body']).orderBy('tenant').orderBy('name').execute();
  return registered.map((r) => ({ tenant: r.tenant, operation: { id: r.id, name: r.name, type: r.type, body: r.body } }));
}
