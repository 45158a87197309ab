/** Persisted operations: project manifest for all, a tenant's for that tenant only, invalid manifests refused, re-registration replaces. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestEdgeDatabase, uniqueTenant } from '../../test/support/database.js';
import { compileOperations, readProjectManifest, type Manifest, type ManifestOperation } from './manifest.js';
import { createPersistedOperations, readRegisteredOperations } from './store.js';

const supergraph = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
const project = readProjectManifest();
const lineage = project.operations.find((o) => o.name === 'Lineage')!;
const operation = (text: string): ManifestOperation => compileOperations([{ file: 'test.graphql', text }])[0]!;
const manifestOf = (...operations: ManifestOperation[]): Manifest => ({ format: 'apollo-persisted-query-manifest', version: 1, operations });

const countryOf = operation('query CountryOf($e164: String!) { number(e164: $e164) { country } }');
const carrierNames = operation('query CarrierNames { carriers(first: 5) { edges { node { name } } } }');
const misspelt = operation('query Misspelt($e164: String!) { number(e164: $e164) { contry } }');

let database: Awaited<ReturnType<typeof openTestEdgeDatabase>>;
beforeAll(async () => {
  database = await openTestEdgeDatabase();
});
afterAll(() => database?.close());

describe('persisted operations', () => {
  it('serves the project manifest to every tenant and to none, by id with or without the sha256: prefix', async () => {
    const store = createPersistedOperations(database.db, project, supergraph);
    const before = database.statements.count;
    expect(await store.find(null, lineage.id)).toBe(lineage.body);
    expect(await store.find(uniqueTenant('any'), `sha256:${lineage.id}`)).toBe(lineage.body);
    expect(await store.find('acme', 'not-an-id')).toBeNull();
    expect(await store.find('acme', 'x'.repeat(10_000))).toBeNull();
    expect(database.statements.count).toBe(before);
  });

  it('serves a tenant\'s registered operations to that tenant only', async () => {
    const store = createPersistedOperations(database.db, project, supergraph);
    const [a, b] = [uniqueTenant('a'), uniqueTenant('b')];
    expect(await store.register(a, manifestOf(countryOf, carrierNames))).toEqual({ ok: true, tenant: a, registered: 2, replaced: 0 });
    expect(await store.find(a, countryOf.id)).toBe(countryOf.body);
    expect(await store.find(b, countryOf.id)).toBeNull();
    expect(await store.find(null, countryOf.id)).toBeNull();
    expect((await store.list({ tenant: a })).map((o) => o.name)).toEqual(['CarrierNames', 'CountryOf']);
    expect(await store.list({ tenant: b })).toEqual([]);
    const registered = (await readRegisteredOperations(database.db)).filter((r) => r.tenant === a);
    expect(registered.map((r) => r.operation)).toEqual([carrierNames, countryOf]);
  });

  it('refuses a manifest with an operation that does not validate, naming it and why, and registers nothing', async () => {
    const store = createPersistedOperations(database.db, project, supergraph);
    const tenant = uniqueTenant('refused');
    await store.register(tenant, manifestOf(carrierNames));
    const result = await store.register(tenant, manifestOf(countryOf, misspelt));
    expect(result).toEqual({
      ok: false,
      tenant,
      refusals: [{ name: 'Misspelt', id: misspelt.id, reason: expect.stringContaining('Cannot query field "contry" on type "Number"') }],
    });
    expect(await store.find(tenant, countryOf.id)).toBeNull();
    expect(await store.find(tenant, carrierNames.id)).toBe(carrierNames.body);
  });

  it('refuses an operation whose id is not the sha256 of its body, or whose body is not the operation named', async () => {
    const store = createPersistedOperations(database.db, project, supergraph);
    const tampered = { ...countryOf, body: countryOf.body.replace('country', 'country numberType') };
    const renamed = { ...countryOf, name: 'Other' };
    const reasons = async (manifest: Manifest) => {
      const result = await store.register(uniqueTenant('tampered'), manifest);
      return result.ok ? [] : result.refusals.map((r) => `${r.name}: ${r.reason}`);
    };
    expect(await reasons(manifestOf(tampered))).toEqual([expect.stringMatching(/^CountryOf: its id is not the sha256 of its body/)]);
    expect(await reasons(manifestOf(renamed))).toEqual(["Other: its body's operation is named CountryOf, not Other"]);
  });

  it('replaces a tenant\'s manifest when it registers again: what it dropped is no longer served', async () => {
    const store = createPersistedOperations(database.db, project, supergraph);
    const tenant = uniqueTenant('again');
    await store.register(tenant, manifestOf(countryOf, carrierNames));
    expect(await store.find(tenant, carrierNames.id)).toBe(carrierNames.body);
    expect(await store.register(tenant, manifestOf(countryOf))).toEqual({ ok: true, tenant, registered: 1, replaced: 2 });
    expect(await store.find(tenant, carrierNames.id)).toBeNull();
    expect(await store.find(tenant, countryOf.id)).toBe(countryOf.body);
  });
});
