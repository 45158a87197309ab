/** POST /admin on a running gateway: admins create, list, revoke keys and register tenants' operations; bad input changes nothing; others refused. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readProjectManifest } from '../gateway/operations/manifest.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { postJson } from './support/http.js';

/**
 * POST /admin: an admin creates, lists and revokes keys and registers a tenant's operations
 * through GraphQL while the gateway runs; nobody else may.
 */
let gateway: TestGateway;
let adminKey: string;
const adminUrl = () => new URL('/admin', gateway.url).toString();

beforeAll(async () => {
  gateway = await startTestGateway({ env: { NUMBERGRAPH_MODE: 'production' } });
  adminKey = (await gateway.embedded.keys.create({ role: 'admin', tenant: null, name: 'e2e admin' })).key;
});
afterAll(async () => {
  await gateway?.close();
});

async function admin(query: string, variables: Record<string, unknown> = {}, key = adminKey): Promise<{ status: number; body: any }> {
  const response = await postJson(adminUrl(), { query, variables }, { authorization: `Bearer ${key}` });
  return { status: response.status, body: await response.json() };
}

const LOOKUP = '{ number(e164: "+447400123456") { country } }';

it('creates a key that the gateway accepts at once, lists it, and revokes it so that the next request is refused', async () => {
  const created = await admin('mutation ($tenant: String) { createApiKey(role: "frontend", tenant: $tenant, name: "acme web") { key apiKey { id role tenant name revokedAt } } }', { tenant: 'acme-admin' });
  expect(created.body.errors).toBeUndefined();
  const { key, apiKey } = created.body.data.createApiKey;
  expect(key).toMatch(/^ng_[A-Za-z0-9_-]{43}$/);
  expect(apiKey).toMatchObject({ role: 'frontend', tenant: 'acme-admin', name: 'acme web', revokedAt: null });

  const asFrontend = await postJson(gateway.url, { query: LOOKUP }, { authorization: `Bearer ${key}` });
  expect(await asFrontend.json()).toEqual({ data: { number: { country: 'GB' } } });

  const listed = await admin('{ apiKeys(tenant: "acme-admin") { edges { node { id role } } pageInfo { hasNextPage } } }');
  expect(listed.body.data.apiKeys.edges.map((e: { node: unknown }) => e.node)).toEqual([{ id: apiKey.id, role: 'frontend' }]);

  const revoked = await admin('mutation ($id: String!) { revokeApiKey(idOrKey: $id) }', { id: apiKey.id });
  expect(revoked.body.data.revokeApiKey).toBe(true);
  const refused = await postJson(gateway.url, { query: LOOKUP }, { authorization: `Bearer ${key}` });
  expect(refused.status).toBe(401);
});

it('registers a manifest for a tenant, whose partner may then run it by id', async () => {
  const project = readProjectManifest().operations.find((o) => o.name === 'Lineage')!;
  // a tenant's own operation: the project's Lineage under another name (an id is its body's sha256)
  const body = project.body.replace('query Lineage', 'query TenantLineage');
  const parsed = { id: createHash('sha256').update(body).digest('hex'), name: 'TenantLineage', type: 'query', body };
  const registered = await admin('mutation ($m: String!) { registerOperations(tenant: "acme-ops", manifest: $m) { registered operations refusals } }', {
    m: JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [parsed] }),
  });
  expect(registered.body.data.registerOperations).toEqual({ registered: true, operations: 1, refusals: [] });
  const listed = await admin('{ registeredOperations(tenant: "acme-ops") { edges { node { name id } } } }');
  expect(listed.body.data.registeredOperations.edges.map((e: { node: unknown }) => e.node)).toEqual([{ name: 'TenantLineage', id: parsed.id }]);

  const partner = (await gateway.embedded.keys.create({ role: 'partner', tenant: 'acme-ops', name: 'e2e partner' })).key;
  const ran = await postJson(gateway.url, { documentId: parsed.id, variables: { e164: '+447400123456' } }, { authorization: `Bearer ${partner}` });
  const answer = (await ran.json()) as { errors?: unknown[]; data: { number: { country: string } } };
  expect(answer.errors).toBeUndefined();
  expect(answer.data.number.country).toBe('GB');
});

it('says what was wrong with bad input, and changes nothing', async () => {
  const bad = await admin('mutation { createApiKey(role: "partner") { key } }');
  expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  expect(bad.body.errors[0].message).toMatch(/tenant/);
  const notJson = await admin('mutation { registerOperations(tenant: "acme-ops", manifest: "{") { registered } }');
  expect(notJson.body.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  expect(notJson.body.errors[0].message).toMatch(/manifest is not JSON/);
});

it('answers admin keys only: an analyst is forbidden, no key or an unknown key is unauthenticated', async () => {
  const analyst = (await gateway.embedded.keys.create({ role: 'analyst', tenant: null, name: 'e2e analyst' })).key;
  const forbidden = await admin('{ apiKeys { edges { node { id } } } }', {}, analyst);
  expect(forbidden.status).toBe(403);
  expect(forbidden.body.errors[0].extensions.code).toBe('FORBIDDEN');
  expect(forbidden.body.data).toBeUndefined();
  const anonymous = await fetch(adminUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ apiKeys { edges { node { id } } } }' }) });
  expect(anonymous.status).toBe(401);
  const unknown = await admin('{ apiKeys { edges { node { id } } } }', {}, `ng_${'A'.repeat(43)}`);
  expect(unknown.status).toBe(401);
  // a form post (what a cross-site page could send without a preflight) is refused
  const form = await fetch(adminUrl(), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${adminKey}` }, body: 'query=%7B%7D' });
  expect(form.status).toBe(405);
});
