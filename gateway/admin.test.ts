/** POST /admin: one audit line per change naming who made it and never a key, and every role but admin refused before running. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { executeAdmin } from './admin.js';
import { openTestEdgeDatabase, uniqueTenant } from '../test/support/database.js';
import { createKeyStore } from './keys/store.js';
import { readProjectManifest } from './operations/manifest.js';
import { createPersistedOperations } from './operations/store.js';
import { readFileSync } from 'node:fs';
import { SCHEMA_DIR } from '../subgraphs/subgraph.js';

let database: Awaited<ReturnType<typeof openTestEdgeDatabase>>;
const lines: Record<string, any>[] = [];
const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(chunk.toString())), done()) }));

beforeAll(async () => {
  database = await openTestEdgeDatabase();
});
afterAll(async () => {
  await database?.close();
});

it('writes one audit line per change, naming who made it and never a key itself', async () => {
  const stores = { keys: createKeyStore(database.db), operations: createPersistedOperations(database.db, readProjectManifest(), readFileSync(`${SCHEMA_DIR}supergraph.graphql`, 'utf8')) };
  const admin = { role: 'admin' as const, tenant: null, keyId: 'key_0123456789ab' };
  const tenant = uniqueTenant('audit');
  const created = await executeAdmin(stores, admin, { query: `mutation { createApiKey(role: "partner", tenant: "${tenant}") { key apiKey { id } } }` }, logger, 'r1');
  const { key, apiKey } = (created.result.data as { createApiKey: { key: string; apiKey: { id: string } } }).createApiKey;
  await executeAdmin(stores, admin, { query: `mutation { revokeApiKey(idOrKey: "${key}") }` }, logger, 'r2');
  await executeAdmin(stores, admin, { query: `mutation { registerOperations(tenant: "${tenant}", manifest: "{\\"format\\":\\"apollo-persisted-query-manifest\\",\\"version\\":1,\\"operations\\":[]}") { registered } }` }, logger, 'r3');
  await executeAdmin(stores, admin, { query: '{ apiKeys { edges { node { id } } } }' }, logger, 'r4');
  const audit = lines.filter((l) => l.audit);
  expect(audit.map((l) => [l.action, l.by, l.requestId])).toEqual([
    ['api key created', 'key_0123456789ab', 'r1'],
    ['api key revoked', 'key_0123456789ab', 'r2'],
    ['operations registered', 'key_0123456789ab', 'r3'],
  ]);
  expect(audit[0]).toMatchObject({ keyId: apiKey.id, role: 'partner', tenant });
  expect(JSON.stringify(lines)).not.toContain(key);
});

it('refuses every role but admin before running anything', async () => {
  const stores = { keys: createKeyStore(database.db), operations: createPersistedOperations(database.db, readProjectManifest(), '') };
  const before = lines.length;
  const tenant = uniqueTenant('refused');
  for (const role of ['partner', 'frontend', 'analyst'] as const) {
    const { status, result } = await executeAdmin(stores, { role, tenant: role === 'analyst' ? null : 'acme', keyId: 'key_0123456789ab' }, { query: `mutation { createApiKey(role: "admin", tenant: "${tenant}") { key } }` }, logger, 'r');
    expect(status).toBe(403);
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  }
  expect(await stores.keys.list({ tenant })).toEqual([]);
  expect(lines.length).toBe(before);
});
