/** API keys: 256-bit keys stored as sha-256, unknown and malformed ones refused, revocation immediate and across processes, input checks. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { openTestEdgeDatabase, uniqueTenant } from '../../test/support/database.js';
import { edgeTables } from '../edge-db.js';
import { createKeyStore, KEY_CACHE_TTL_MS } from './store.js';
import { InvalidInput } from './validate.js';

let database: Awaited<ReturnType<typeof openTestEdgeDatabase>>;
beforeAll(async () => {
  database = await openTestEdgeDatabase();
});
afterAll(() => database?.close());

describe('API keys', () => {
  it('creates a 256-bit key that authenticates as its role and tenant, and stores only its sha-256', async () => {
    const keys = createKeyStore(database.db);
    const tenant = uniqueTenant('acme');
    const { id, key } = await keys.create({ tenant, role: 'partner', name: 'Acme integration' });
    expect(key).toMatch(/^ng_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(3), 'base64url')).toHaveLength(32);
    expect(await keys.authenticate(key)).toEqual({ role: 'partner', tenant, keyId: id });

    const row = await edgeTables(database.db).selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.key_sha256).toBe(createHash('sha256').update(key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(key.slice(3));
    const listed = await keys.list({ tenant });
    expect(listed).toEqual([expect.objectContaining({ id, role: 'partner', tenant, name: 'Acme integration', revokedAt: null })]);
    expect(JSON.stringify(listed)).not.toContain(key.slice(3));
    expect(JSON.stringify(listed)).not.toContain(row.key_sha256);
  });

  it('gives every key its own secret and id', async () => {
    const keys = createKeyStore(database.db);
    const tenant = uniqueTenant('twice');
    const [a, b] = [await keys.create({ tenant, role: 'frontend' }), await keys.create({ tenant, role: 'frontend' })];
    expect(a.key).not.toBe(b.key);
    expect(a.id).not.toBe(b.id);
  });

  it('refuses unknown keys, and malformed or over-long ones without a query', async () => {
    const keys = createKeyStore(database.db);
    expect(await keys.authenticate(`ng_${'A'.repeat(43)}`)).toBeNull();
    const before = database.statements.count;
    expect(await keys.authenticate(`ng_${'A'.repeat(100_000)}`)).toBeNull();
    expect(await keys.authenticate('Bearer something')).toBeNull();
    expect(await keys.authenticate('')).toBeNull();
    expect(database.statements.count).toBe(before);
  });

  it('refuses a key on the very next request after it is revoked by id, even one just served from the cache', async () => {
    const keys = createKeyStore(database.db);
    const tenant = uniqueTenant('rev');
    const { id, key } = await keys.create({ tenant, role: 'frontend' });
    expect(await keys.authenticate(key)).toEqual({ role: 'frontend', tenant, keyId: id });
    expect(await keys.revoke(id)).toBe(true);
    expect(await keys.authenticate(key)).toBeNull();
    expect(await keys.revoke(id)).toBe(false);
    const [listed] = await keys.list({ tenant });
    // when it was revoked, as an ISO time: now, give or take the database's clock
    expect(Math.abs(Date.now() - Date.parse(listed!.revokedAt!))).toBeLessThan(60_000);
  });

  it('revokes by the key itself', async () => {
    const keys = createKeyStore(database.db);
    const tenant = uniqueTenant('rev');
    const { id, key } = await keys.create({ tenant, role: 'partner' });
    expect(await keys.authenticate(key)).toEqual({ role: 'partner', tenant, keyId: id });
    expect(await keys.revoke(key)).toBe(true);
    expect(await keys.authenticate(key)).toBeNull();
  });

  it('answers a revocation made by another process within the cache lifetime', async () => {
    const gateway = createKeyStore(database.db);
    const cli = createKeyStore(database.db);
    const tenant = uniqueTenant('other');
    const { id, key } = await cli.create({ tenant, role: 'partner' });
    expect(await gateway.authenticate(key)).toEqual({ role: 'partner', tenant, keyId: id });
    await cli.revoke(key);
    await new Promise((resolve) => setTimeout(resolve, KEY_CACHE_TTL_MS + 200));
    expect(await gateway.authenticate(key)).toBeNull();
  });

  it('rejects bad input with a message saying what was wrong', async () => {
    const keys = createKeyStore(database.db);
    await expect(keys.create({ tenant: 'Acme Corp', role: 'partner' })).rejects.toThrow(/tenant must be 1 to 63 characters of a-z, 0-9 and "-".*"Acme Corp"/);
    await expect(keys.create({ tenant: 'x'.repeat(64), role: 'partner' })).rejects.toThrow(InvalidInput);
    await expect(keys.create({ tenant: 'acme', role: 'owner' })).rejects.toThrow('role must be one of partner, frontend, analyst, admin; got "owner"');
    await expect(keys.create({ role: 'partner' })).rejects.toThrow('a partner key needs a tenant');
    await expect(keys.create({ tenant: 'acme', role: 'frontend', name: 'two\nlines' })).rejects.toThrow('control characters');
    await expect(keys.create({ tenant: 'acme', role: 'frontend', name: 'n'.repeat(201) })).rejects.toThrow('name must be 1 to 200 characters');
    await expect(keys.revoke('nonsense')).rejects.toThrow('expected a key id');
  });

  it('lets the aggregator\'s staff have keys without a tenant', async () => {
    const keys = createKeyStore(database.db);
    const { id, key } = await keys.create({ role: 'analyst', name: 'analyst on call' });
    expect(await keys.authenticate(key)).toEqual({ role: 'analyst', tenant: null, keyId: id });
    await keys.revoke(id);
  });
});
