/** Tenant isolation through every query and _entities, for every tenant-owned table, and no answer crossing callers through shared work. */
import type { SubgraphName } from '../subgraphs/names.js';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, parse } from 'graphql';
import type { Identity, RequestScope } from '../contracts/identity.js';
import { syncCatalogue } from '../subgraphs/inventory/workers/sync.js';
import { createLogger } from '../platform/logger.js';
import { observeSubgraphFetches, startInventoryGateway, type TestGateway } from './support/gateway.js';
import { CROSSABLE, crossedAnswers, type Caller } from './support/crossed-answers.js';
import { postGraphQL, postJson } from './support/http.js';

/**
 * Tenant A never sees tenant B's rows: through any query of the graph, and through `_entities`
 * (which a subgraph answers for whoever the gateway vouches for). Every tenant-owned table the
 * graph exposes registers in TENANT_OWNED below, and this file checks it both ways. Rows are
 * made through the product: a tenant's key through the gateway, over the provider simulator.
 */
export interface TenantOwned {
  /** The table, for the test's name, e.g. "inventory.orders". */
  table: string;
  /**
   * Gives `tenant` a row through the product (the tenant's key through the gateway); returns the
   * id the queries look for and an entity representation (with __typename) that could show it.
   */
  seed(as: Asker, tenant: string): Promise<{ id: string; representation: Record<string, unknown> }>;
  /** Every operation that could show the row; `shows` says whether the answer contains it. */
  queries: { query: string; variables(id: string): Record<string, unknown>; shows(data: any, id: string): boolean }[];
  /** The subgraph that resolves the representation, and the fields to select on it through `_entities`. */
  entity: { subgraph: SubgraphName; selection: string; shows(entity: any, id: string): boolean };
}

/** Runs an operation with the key of `tenant` (a frontend key, created once per tenant). */
type Asker = (tenant: string, query: string, variables: Record<string, unknown>) => Promise<{ data?: any; errors?: unknown[] }>;

/** Available GB numbers of the simulated world, each handed out once (a row per seed). */
let stock: string[] = [];
const takeNumber = () => {
  const e164 = stock.shift();
  if (!e164) throw new Error('the simulated world has no available number left for this test');
  return e164;
};

const ORDER = `mutation($input: OrderNumbersInput!) { orderNumbers(input: $input) { order { id status } userErrors { code } } }`;
const RESERVE = `mutation($input: ReserveNumbersInput!) { reserveNumbers(input: $input) { numbers { e164 ok } userErrors { code } } }`;
const order = async (as: Asker, tenant: string) => {
  const e164 = takeNumber();
  const result = await as(tenant, ORDER, { input: { numbers: [e164], idempotencyKey: `isolation-${e164}` } });
  expect(result.data?.orderNumbers, JSON.stringify(result)).toMatchObject({ order: { status: 'COMPLETED' }, userErrors: [] });
  return { e164, orderId: result.data!.orderNumbers.order.id as string };
};

/**
 * A number shows a tenant's reservation or assignment by any status field: its own `status`, a
 * tenant's transition in its history, an offer's `providerStatus` (what the provider's feed
 * says) or `live.status` (what the holder's API says). Every such field is listed here.
 */
const NUMBER_VIEW = 'status holder { id } history(first: 20) { edges { node { to actor } } } offers(first: 20) { edges { node { providerStatus } } } live { status available }';
const showsHold = (held: string) => (number: any) =>
  number?.status === held ||
  (number?.history.edges ?? []).some((e: { node: { to: string; actor: string } }) => e.node.to === held || e.node.actor === 'tenant') ||
  (number?.offers.edges ?? []).some((e: { node: { providerStatus: string } }) => e.node.providerStatus === held) ||
  number?.live?.status === held;
/** The queries through which a number's reservation or assignment (status `held`) could show. */
const numberQueries = (held: string): TenantOwned['queries'] => [
  { query: `query($e164: String!) { number(e164: $e164) { ${NUMBER_VIEW} } }`, variables: (e164) => ({ e164 }), shows: (data) => showsHold(held)(data?.number) },
  {
    query: 'query($f: NumberFilter) { numbers(first: 500, filter: $f) { edges { node { e164 } } } }',
    variables: () => ({ f: { status: held, country: 'GB' } }),
    shows: (data, e164) => (data?.numbers.edges ?? []).some((e: { node: { e164: string } }) => e.node.e164 === e164),
  },
];

/** Every tenant-owned table of the graph. Compliance's documents register here when they land. */
const TENANT_OWNED: TenantOwned[] = [
  {
    // Order is no entity: `_entities` can reach an order only through its number
    table: 'inventory.orders, inventory.order_lines',
    seed: async (as, tenant) => {
      const { e164, orderId } = await order(as, tenant);
      return { id: orderId, representation: { __typename: 'Number', e164 } };
    },
    queries: [
      { query: 'query($id: ID!) { order(id: $id) { id numbers { e164 status } } }', variables: (id) => ({ id }), shows: (data, id) => data?.order?.id === id },
      { query: '{ orders(first: 100) { edges { node { id } } } }', variables: () => ({}), shows: (data, id) => (data?.orders.edges ?? []).some((e: { node: { id: string } }) => e.node.id === id) },
    ],
    entity: { subgraph: 'inventory', selection: NUMBER_VIEW, shows: showsHold('ASSIGNED') },
  },
  {
    table: 'inventory.numbers (a reservation), inventory.number_events',
    seed: async (as, tenant) => {
      const e164 = takeNumber();
      const result = await as(tenant, RESERVE, { input: { numbers: [e164], ttlSeconds: 600 } });
      expect(result.data?.reserveNumbers, JSON.stringify(result)).toEqual({ numbers: [{ e164, ok: true }], userErrors: [] });
      await syncFeeds();
      return { id: e164, representation: { __typename: 'Number', e164 } };
    },
    queries: numberQueries('RESERVED'),
    entity: { subgraph: 'inventory', selection: NUMBER_VIEW, shows: showsHold('RESERVED') },
  },
  {
    table: 'inventory.numbers (an assignment), inventory.number_events',
    seed: async (as, tenant) => {
      const { e164 } = await order(as, tenant);
      await syncFeeds();
      return { id: e164, representation: { __typename: 'Number', e164 } };
    },
    queries: numberQueries('ASSIGNED'),
    entity: { subgraph: 'inventory', selection: NUMBER_VIEW, shows: showsHold('ASSIGNED') },
  },
];

let gateway: TestGateway;
/** Reads the providers' feeds now: the offers then carry the status the providers give the number (reserved, assigned). */
const syncFeeds = () =>
  syncCatalogue(gateway.embedded.subgraphs.inventory.db, gateway.embedded.providers.inventory.services.upstream, createLogger({ LOG_LEVEL: 'silent' }));
const scopes: RequestScope[] = [];

beforeAll(async () => {
  gateway = await startInventoryGateway({ env: { NUMBERGRAPH_MODE: 'production' } });
  stock = gateway.embedded.providers.simulator!.world.numbers.filter((n) => n.status === 'available' && n.country === 'GB').map((n) => n.e164);
  observeSubgraphFetches(gateway, (scope) => scopes.push(scope));
});
afterAll(async () => {
  await gateway?.close();
});

/** One key per tenant ('' for the analyst), created on first use. */
const keys = new Map<string, Promise<string>>();
const keyOf = (tenant: string | null) => {
  const name = tenant ?? '';
  if (!keys.has(name)) keys.set(name, gateway.embedded.keys.create(tenant ? { role: 'frontend', tenant, name: 'isolation' } : { role: 'analyst', name: 'isolation' }).then((k) => k.key));
  return keys.get(name)!;
};
const ask = (key: string, query: string, variables: Record<string, unknown>) => postGraphQL<any>(gateway.url, query, variables, { authorization: `Bearer ${key}` });
const asTenant: Asker = async (tenant, query, variables) => ask(await keyOf(tenant), query, variables);

/** `_entities` on a subgraph as the gateway would send it for `identity`. */
async function entities(subgraph: SubgraphName, identity: Identity, representation: Record<string, unknown>, selection: string) {
  const served = gateway.embedded.subgraphs[subgraph];
  const typename = String(representation.__typename);
  const result = await execute({
    schema: served.schema,
    document: parse(`query($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { ${selection} } } }`),
    variableValues: { r: [representation] },
    contextValue: served.createContext({ identity, requestId: 'isolation' }),
  });
  return (result.data as { _entities: unknown[] } | null)?._entities[0];
}

it('hands every subgraph fetch the tenant of the key, never a tenant the client names', async () => {
  const key = await gateway.embedded.keys.create({ role: 'frontend', tenant: 'acme' });
  scopes.length = 0;
  await postJson(gateway.url, { query: '{ number(e164: "+447400123456") { country holder { id } } }' }, { authorization: `Bearer ${key.key}`, 'x-tenant': 'globex' });
  expect(scopes.length).toBeGreaterThan(0);
  for (const scope of scopes) expect(scope.identity).toEqual({ role: 'frontend', tenant: 'acme', keyId: key.id });
});

it('exposes none of the edge\'s own tables (keys, registered operations) through the graph', async () => {
  const analyst = await keyOf(null);
  const { data } = await ask(analyst, '{ __schema { types { name fields { name } } } }', {});
  const names = data.__schema.types.flatMap((t: { name: string; fields: { name: string }[] | null }) => [t.name, ...(t.fields ?? []).map((f) => f.name)]);
  expect(names.filter((n: string) => /apikey|api_key|keyhash|persistedoperation|manifest/i.test(n))).toEqual([]);
});

describe.each(TENANT_OWNED.map((owned) => [owned.table, owned] as const))('%s', (_table, owned) => {
  it('shows a row to its tenant and to no other tenant nor an analyst, by any query', async () => {
    const row = await owned.seed(asTenant, 'tenant-a');
    const [a, b, analyst] = [await keyOf('tenant-a'), await keyOf('tenant-b'), await keyOf(null)];
    for (const { query, variables, shows } of owned.queries) {
      const [own, other, analysts] = [await ask(a, query, variables(row.id)), await ask(b, query, variables(row.id)), await ask(analyst, query, variables(row.id))];
      for (const answer of [own, other, analysts]) expect(answer.errors, query).toBeUndefined();
      expect(shows(own.data, row.id), query).toBe(true);
      expect(shows(other.data, row.id), query).toBe(false);
      expect(shows(analysts.data, row.id), query).toBe(false);
    }
  });

  it('answers _entities for the row to its tenant only', async () => {
    const row = await owned.seed(asTenant, 'tenant-a');
    const as = (tenant: string): Identity => ({ role: 'frontend', tenant, keyId: null });
    expect(owned.entity.shows(await entities(owned.entity.subgraph, as('tenant-a'), row.representation, owned.entity.selection), row.id)).toBe(true);
    expect(owned.entity.shows(await entities(owned.entity.subgraph, as('tenant-b'), row.representation, owned.entity.selection), row.id)).toBe(false);
    expect(owned.entity.shows(await entities(owned.entity.subgraph, { role: 'analyst', tenant: null, keyId: null }, row.representation, owned.entity.selection), row.id)).toBe(false);
  });
});

/**
 * What the gateway shares between requests must never carry one caller's answer to another:
 * subgraph fetches merged in flight, the APQ store, persisted operations, kept search results,
 * the parse and validation caches (introspection is allowed per caller), DataLoaders (per
 * subgraph fetch, see the first test). The distributed shape runs the same load in distributed.e2e.test.ts.
 */
describe('work shared between requests', () => {
  const callersOf = async (...tenants: (string | null)[]): Promise<Caller[]> =>
    Promise.all(tenants.map(async (tenant) => ({ name: tenant ?? 'analyst', headers: { authorization: `Bearer ${await keyOf(tenant)}` } })));

  it.each([20, 50])('answers 1,000 alternating requests of two tenants and an analyst at concurrency %i, each with its own answer', async (concurrency) => {
    const { e164, orderId } = await order(asTenant, 'tenant-a');
    const callers = await callersOf('tenant-a', 'tenant-b', null);
    const body = { query: CROSSABLE, variables: { e164, order: orderId } };
    const result = await crossedAnswers(gateway.url, callers, body, 1_000, concurrency);
    // the answers differ by caller, or a crossed answer could not be told from a right one
    expect(JSON.parse(result.alone['tenant-a']!).data).toMatchObject({ number: { status: 'ASSIGNED' }, order: { id: orderId } });
    for (const other of ['tenant-b', 'analyst']) expect(JSON.parse(result.alone[other]!).data).toMatchObject({ number: { status: 'UNAVAILABLE' }, order: null });
    expect(result.crossed, JSON.stringify(result.examples)).toBe(0);
    // 1,000 requests through the whole product: on a 2-core machine running two test files at once this takes a minute
  }, 180_000);

  it('keeps introspection to those who may introspect, however the validation cache was filled', async () => {
    const callers = await callersOf(null, 'tenant-a');
    const result = await crossedAnswers(gateway.url, callers, { query: '{ __schema { queryType { name } } }' }, 400, 50);
    expect(JSON.parse(result.alone.analyst!)).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    expect(JSON.parse(result.alone['tenant-a']!).data?.__schema).toBeUndefined();
    expect(result.crossed, JSON.stringify(result.examples)).toBe(0);
  });

  it('keeps an automatic persisted query to the tenant that sent its text', async () => {
    const query = `{ number(e164: "+447400123456") { country } t${randomBytes(4).toString('hex')}: __typename }`;
    const extensions = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };
    const [a, b] = await callersOf('tenant-a', 'tenant-b');
    const stored = await (await postJson(gateway.url, { query, extensions }, a!.headers)).json();
    expect(stored.data.number).toEqual({ country: 'GB' });
    expect(await (await postJson(gateway.url, { extensions }, a!.headers)).json()).toEqual(stored);
    const other = await (await postJson(gateway.url, { extensions }, b!.headers)).json();
    expect(other.errors?.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(other.data).toBeUndefined();
  });

  it("pages a search's kept results for the tenant that searched only", async () => {
    const search = 'query($input: SearchNumbersInput, $id: ID) { searchNumbers(input: $input, searchId: $id, first: 5) { searchId results { edges { node { e164 } } } } }';
    const first = await asTenant('tenant-a', search, { input: { country: 'GB' } });
    const searchId = first.data?.searchNumbers.searchId as string;
    expect(first.data?.searchNumbers.results.edges.length, JSON.stringify(first)).toBeGreaterThan(0);
    expect((await asTenant('tenant-a', search, { id: searchId })).data?.searchNumbers.searchId).toBe(searchId);
    const other = await asTenant('tenant-b', search, { id: searchId });
    expect(other.data?.searchNumbers).toBeUndefined();
    expect((other.errors as { extensions: { code: string } }[]).map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
  });

  it("runs a tenant's registered operation for that tenant's partner only", async () => {
    const body = 'query IsolationCountry($e164: String!) { number(e164: $e164) { country } }';
    const id = createHash('sha256').update(body).digest('hex');
    const registered = await gateway.embedded.operations.register('tenant-a', { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id, name: 'IsolationCountry', type: 'query', body }] });
    expect(registered.ok).toBe(true);
    const partner = async (tenant: string) => ({ authorization: `Bearer ${(await gateway.embedded.keys.create({ role: 'partner', tenant, name: 'isolation' })).key}` });
    const request = { documentId: id, variables: { e164: '+447400123456' } };
    expect(await (await postJson(gateway.url, request, await partner('tenant-a'))).json()).toEqual({ data: { number: { country: 'GB' } } });
    const other = await (await postJson(gateway.url, request, await partner('tenant-b'))).json();
    expect(other.errors?.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
  });
});
