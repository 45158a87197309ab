/** The API key store: ng_ keys stored only as sha-256, authenticated to a role and tenant through a short cache, created and revoked. */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Identity, Role } from '../../contracts/identity.js';
import { edgeTables } from '../edge-db.js';
import { InvalidInput, parseKeyName, parseRole, parseTenant, quote } from './validate.js';

/** What the gateway needs of the keys: who presents this key. */
export interface KeyStore {
  /** The identity the key carries; null when the key is unknown, malformed or revoked. */
  authenticate(presented: string): Promise<Identity | null>;
}

/** A key as the admin sees it in a list: never the key itself (it is not stored). */
export interface KeyInfo {
  id: string;
  role: Role;
  tenant: string | null;
  name: string | null;
  createdAt: string;
  revokedAt: string | null;
}

/**
 * Keys look like `ng_` + 43 base64url characters (32 random bytes, 256 bits): recognizable in a
 * leaked log or a secret scanner, and too long to guess.
 */
export const KEY_PREFIX = 'ng_';
const KEY_PATTERN = /^ng_[A-Za-z0-9_-]{43}$/;
const KEY_ID_PATTERN = /^key_[0-9a-f]{12}$/;
/** Longest string `authenticate` looks at: anything longer is refused before it is hashed. */
export const MAX_PRESENTED_KEY_LENGTH = 64;

/**
 * How long a process trusts what it read about a key (known, unknown). A revocation made in this
 * process takes effect at once (the cache is cleared); one made by another process (the CLI, a
 * second gateway) within at most this long.
 */
export const KEY_CACHE_TTL_MS = 1_000;

/** Roles whose keys act for a tenant and need one; the aggregator's staff (analyst, admin) may have none. */
const TENANT_ROLES: readonly Role[] = ['partner', 'frontend'];

/**
 * A key is stored only as its sha-256. A slow, salted hash (bcrypt, argon2) protects guessable
 * passwords; these keys are 256 random bits, so no dictionary or brute force can invert a plain
 * hash, and one fast hash per request is what a gateway can afford. Looking the hash up by index
 * leaks nothing useful through timing: an attacker cannot choose a key with a given hash prefix.
 */
export function keyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

type Cached = { identity: Identity } | { identity: null };

export function createKeyStore(db: Kysely<any>): KeyStore & {
  create(input: { tenant?: string | null; role: Role | string; name?: string | null }): Promise<{ id: string; key: string }>;
  list(filter?: { tenant?: string }): Promise<KeyInfo[]>;
  revoke(idOrKey: string): Promise<boolean>;
} {
  const edge = edgeTables(db);
  // Bounded, so a flood of random keys cannot grow it; negative answers are cached as well, so
  // that flood costs at most one query per distinct key per TTL.
  const cache = new LRUCache<string, Cached>({ max: 10_000, ttl: KEY_CACHE_TTL_MS });
  // Bumped by every change made here, so that a read begun before a revocation cannot cache
  // what it read after the revocation cleared the cache.
  let generation = 0;
  const changed = () => {
    generation += 1;
    cache.clear();
  };

  return {
    async authenticate(presented) {
      if (presented.length > MAX_PRESENTED_KEY_LENGTH || !KEY_PATTERN.test(presented)) return null;
      const hash = keyHash(presented);
      const cached = cache.get(hash);
      if (cached) return cached.identity;
      const readAt = generation;
      const row = await edge
        .selectFrom('api_keys')
        .select(['id', 'role', 'tenant'])
        .where('key_sha256', '=', hash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      const identity: Identity | null = row ? Object.freeze({ role: row.role as Role, tenant: row.tenant ?? null, keyId: row.id as string }) : null;
      if (readAt === generation) cache.set(hash, { identity });
      return identity;
    },

    async create(input) {
      const role = parseRole(input.role);
      const tenant = input.tenant == null ? null : parseTenant(input.tenant);
      if (tenant === null && TENANT_ROLES.includes(role)) throw new InvalidInput(`a ${role} key needs a tenant (--tenant <id>)`);
      const name = input.name == null ? null : parseKeyName(input.name);
      const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
      const id = `key_${randomBytes(6).toString('hex')}`;
      await edge.insertInto('api_keys').values({ id, key_sha256: keyHash(key), role, tenant, name }).execute();
      changed();
      return { id, key };
    },

    async list(filter = {}) {
      let query = edge.selectFrom('api_keys').select(['id', 'role', 'tenant', 'name', 'created_at', 'revoked_at']).orderBy('created_at').orderBy('id');
      if (filter.tenant !== undefined) query = query.where('tenant', '=', parseTenant(filter.tenant));
      const rows = await query.execute();
      return rows.map((row) => ({
        id: row.id,
        role: row.role,
        tenant: row.tenant ?? null,
        name: row.name ?? null,
        createdAt: new Date(row.created_at).toISOString(),
        revokedAt: row.revoked_at == null ? null : new Date(row.revoked_at).toISOString(),
      }));
    },

    async revoke(idOrKey) {
      let column: 'id' | 'key_sha256';
      let value: string;
      if (KEY_PATTERN.test(idOrKey)) [column, value] = ['key_sha256', keyHash(idOrKey)];
      else if (KEY_ID_PATTERN.test(idOrKey)) [column, value] = ['id', idOrKey];
      else throw new InvalidInput(`expected a key id (key_ and 12 hex digits) or a key (${KEY_PREFIX}…); got ${quote(idOrKey.startsWith(KEY_PREFIX) ? `${KEY_PREFIX}…` : idOrKey)}`);
      const result = await edge
        .updateTable('api_keys')
        .set({ revoked_at: new Date() })
        .where(column, '=', value)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      changed();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
