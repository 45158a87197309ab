/** The edge in production mode over HTTP: keys, persisted operations, APQ, limits before subgraphs, errors, CORS, CSRF, health, metrics. */
import { createHash, randomBytes } from 'node:crypto';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProjectManifest } from '../gateway/operations/manifest.js';
import { createLogger } from '../platform/logger.js';
import { serveSubgraph } from '../platform/http-server.js';
import { SIGNED_SCOPE_HEADER, signScope } from '../contracts/signed-scope.js';
import { observeSubgraphFetches, operation, startTestGateway, type TestGateway } from './support/gateway.js';
import { postJson } from './support/http.js';

/**
 * The edge in production mode, through the real HTTP gateway: keys, partners' persisted
 * operations, APQ, limits (rejected before any subgraph is called), errors, CORS, CSRF,
 * health, readiness and metrics.
 */
let gateway: TestGateway;
/** Subgraph fetches made so far (every in-process fetch builds one subgraph context). */
let fetches = 0;

const ORIGIN = 'https://app.example.com';

beforeAll(async () => {
  gateway = await startTestGateway({
    env: { NUMBERGRAPH_MODE: 'production', CORS_ORIGINS: ORIGIN, RATE_LIMIT_REQUESTS: '40', AUTH_FAILURES_PER_ADDRESS: '20', TRUSTED_PROXIES: '127.0.0.1', UPSTREAM_CALLS_PER_MINUTE: '600' },
  });
  observeSubgraphFetches(gateway, () => (fetches += 1));
});
afterAll(async () => {
  await gateway?.close();
});

const keyFor = async (role: 'partner' | 'frontend' | 'analyst', tenant: string | null = role === 'analyst' ? null : 'acme') =>
  (await gateway.embedded.keys.create({ role, tenant, name: `e2e ${role}` })).key;
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const post = (body: unknown, headers: Record<string, string>) => postJson(gateway.url, body, headers);
const codes = (body: { errors?: { extensions?: Record<string, unknown> }[] }) => body.errors?.map((e) => e.extensions?.code);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const LINEAGE_ID = readProjectManifest().operations.find((o) => o.name === 'Lineage')!.id;

describe('identity', () => {
  it('refuses a request without a key in production, with a code', async () => {
    const response = await post({ query: '{ __typename }' }, {});
    expect(response.status).toBe(401);
    expect(codes(await response.json())).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses an unknown key and a revoked one; serves the key until it is revoked', async () => {
    const { id, key } = await gateway.embedded.keys.create({ role: 'frontend', tenant: 'acme' });
    expect((await post({ query: '{ __typename }' }, bearer(key))).status).toBe(200);
    await gateway.embedded.keys.revoke(id);
    const revoked = await post({ query: '{ __typename }' }, { 'x-api-key': key });
    expect(revoked.status).toBe(401);
    expect(codes(await revoked.json())).toEqual(['UNAUTHENTICATED']);
    const unknown = await post({ query: '{ __typename }' }, bearer(`ng_${'A'.repeat(43)}`));
    expect(unknown.status).toBe(401);
  });

  it('answers a flood of made-up keys from one address 429 past its budget, without looking them up, while valid keys are served', async () => {
    const keys = gateway.embedded.keys;
    const lookup = keys.authenticate.bind(keys);
    let lookups = 0;
    keys.authenticate = (presented) => {
      lookups += 1;
      return lookup(presented);
    };
    try {
      const valid = { ...bearer(await keyFor('frontend')), 'x-forwarded-for': '198.51.100.9' };
      const flood = (i: number) =>
        post({ query: '{ __typename }' }, i % 5 === 0 ? { authorization: 'Basic nonsense', 'x-forwarded-for': '203.0.113.7' } : { ...bearer(`ng_${randomBytes(32).toString('base64url')}`), 'x-forwarded-for': '203.0.113.7' });
      const statuses: number[] = [];
      for (let round = 0; round < 6; round++) {
        const answers = await Promise.all([...Array.from({ length: 10 }, (_, i) => flood(round * 10 + i)), post({ query: '{ __typename }' }, valid)]);
        statuses.push(...answers.slice(0, 10).map((a) => a.status));
        expect(answers[10]!.status).toBe(200);
      }
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(30); // 20, and a round in flight
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(30);
      // the valid key's six lookups (cached after the first) and the made-up keys within the budget
      expect(lookups).toBeLessThanOrEqual(30 + 6);
      const refused = await post({ query: '{ __typename }' }, { ...bearer(`ng_${'C'.repeat(43)}`), 'x-forwarded-for': '203.0.113.7' });
      expect(codes(await refused.json())).toEqual(['RATE_LIMITED']);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      keys.authenticate = lookup;
    }
  });

  it('lets analysts introspect, not tenants\' keys, and suggests no field names outside development', async () => {
    const introspection = { query: '{ __schema { queryType { name } } }' };
    const analyst = await (await post(introspection, bearer(await keyFor('analyst')))).json();
    expect(analyst.data.__schema.queryType.name).toBe('Query');
    const frontend = await keyFor('frontend');
    const refused = await (await post(introspection, bearer(frontend))).json();
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors[0].message).toMatch(/introspection/i);
    const typo = await (await post({ query: '{ numbr(e164: "+447400123456") { e164 } }' }, bearer(frontend))).json();
    expect(codes(typo)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(JSON.stringify(typo)).not.toMatch(/Did you mean|"number"/);
  });
  it('keeps an analyst read-only whichever operation of a document ran before', async () => {
    const analyst = bearer(await keyFor('analyst'));
    const document = 'query Read { __typename } mutation Write { __typename }';
    expect(await (await post({ query: document, operationName: 'Read' }, analyst)).json()).toEqual({ data: { __typename: 'Query' } });
    const write = await post({ query: document, operationName: 'Write' }, analyst);
    expect(write.status).toBe(403);
    expect(codes(await write.json())).toEqual(['FORBIDDEN']);
  });
});

describe('persisted operations', () => {
  it('refuses a partner\'s free text, even the text of a listed operation', async () => {
    const partner = await keyFor('partner');
    const body = await (await post({ query: operation('Lineage'), variables: { e164: '+447400123456' } }, bearer(partner))).json();
    expect(codes(body)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
  });

  it('serves a partner the project\'s operations by documentId or sha256Hash, and its own registered ones', async () => {
    const partner = await keyFor('partner', 'globex');
    const byDocumentId = await (await post({ documentId: LINEAGE_ID, variables: { e164: '+447400123456' } }, bearer(partner))).json();
    expect(byDocumentId.errors).toBeUndefined();
    expect(byDocumentId.data.number.block.authority.name).toBe('Ofcom');
    const byHash = await (await post({ extensions: { persistedQuery: { version: 1, sha256Hash: LINEAGE_ID } }, variables: { e164: '+447400123456' } }, bearer(partner))).json();
    expect(byHash).toEqual(byDocumentId);

    const own = 'query CarrierName($id: ID!) { carrier(id: $id) { name } }';
    const registered = await gateway.embedded.operations.register('globex', {
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [{ id: sha256(own), name: 'CarrierName', type: 'query', body: own }],
    });
    expect(registered.ok).toBe(true);
    const served = await (await post({ documentId: sha256(own), variables: { id: 'gb:hutchison-3g-uk-ltd' } }, bearer(partner))).json();
    expect(served).toEqual({ data: { carrier: { name: 'Hutchison 3G UK Ltd' } } });
    // another tenant's partner may not run globex's operation
    const other = await (await post({ documentId: sha256(own), variables: { id: 'gb:hutchison-3g-uk-ltd' } }, bearer(await keyFor('partner', 'initech')))).json();
    expect(codes(other)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
  });

  it('gives other roles automatic persisted queries: unknown hash, then text with hash, then hash alone', async () => {
    const frontend = await keyFor('frontend');
    // unique per run: with REDIS_URL the cache outlives the test
    const query = `{ number(e164: "+447400123456") { country } }\n# run ${randomBytes(6).toString('hex')}`;
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    expect(codes(await (await post({ extensions }, bearer(frontend))).json())).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(await (await post({ query, extensions }, bearer(frontend))).json()).toEqual({ data: { number: { country: 'GB' } } });
    expect(await (await post({ extensions }, bearer(frontend))).json()).toEqual({ data: { number: { country: 'GB' } } });
    const mismatch = await (await post({ query: '{ __typename }', extensions }, bearer(frontend))).json();
    expect(codes(mismatch)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('limits, before any subgraph is called', () => {
  const aliased = (count: number, selection: (i: number) => string) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${selection(i)}`).join(' ')} }`;
  // a GraphQL error answers 200 to an application/json client (GraphQL over HTTP); the HTTP layer's refusals have their status
  const rejected = async (body: unknown, code: string, status = 200) => {
    const frontend = await keyFor('frontend');
    const before = fetches;
    const response = await post(body, bearer(frontend));
    const text = await response.text();
    expect(response.status, text).toBe(status);
    expect(codes(JSON.parse(text))).toEqual([code]);
    expect(fetches - before).toBe(0);
  };

  it('rejects 200 aliased __typename', () => rejected({ query: aliased(200, () => '__typename') }, 'ALIAS_LIMIT_EXCEEDED'));
  it('rejects 60 aliased lookups', () =>
    rejected({ query: aliased(60, (i) => `number(e164: "+4474001234${String(i).padStart(2, '0')}") { e164 }`) }, 'ALIAS_LIMIT_EXCEEDED'));
  it('rejects a deep query', () => {
    const deep = `{ carriers { edges { node { blocks { edges { node { carrier { blocks { edges { node { carrier { blocks { edges { node { prefix } } } } } } } } } } } } } } }`;
    return rejected({ query: deep }, 'DEPTH_LIMIT_EXCEEDED');
  });
  it('rejects a document of too many tokens', () => rejected({ query: `{ ${'__typename '.repeat(5_000)}}` }, 'TOKEN_LIMIT_EXCEEDED'));
  it('rejects a costly query: lists weigh by their first', () =>
    rejected({ query: '{ carriers(first: 100) { edges { node { blocks(first: 100) { edges { node { prefix } } } } } } }' }, 'COST_LIMIT_EXCEEDED'));
  it('rejects fragments that spread each other many times, however small the text', async () => {
    const chain = (leaf: string, on: string) =>
      `${Array.from({ length: 60 }, (_, i) => `fragment F${i} on ${on} { ...F${i + 1} ...F${i + 1} }`).join(' ')} fragment F60 on ${on} { ${leaf} }`;
    await rejected({ query: `{ ...F0 } ${chain('a: __typename', 'Query')}` }, 'ALIAS_LIMIT_EXCEEDED');
    await rejected({ query: `{ carrier(id: "gb:hutchison-3g-uk-ltd") { ...F0 } } ${chain('authority { name }', 'Carrier')}` }, 'COST_LIMIT_EXCEEDED');
    await rejected({ query: `{ carrier(id: "gb:hutchison-3g-uk-ltd") { ...F0 } } ${chain('id name', 'Carrier')}` }, 'TOKEN_LIMIT_EXCEEDED');
  });
  it('weighs a list by its variable\'s default when the variable is left out', () =>
    rejected({ query: 'query($carriers: Int = 100, $blocks: Int = 100) { carriers(first: $carriers) { edges { node { blocks(first: $blocks) { edges { node { prefix } } } } } } }' }, 'COST_LIMIT_EXCEEDED'));
  it('rejects a body over 4 MB', () => rejected({ query: '{ __typename }', variables: { pad: 'x'.repeat(5 * 1024 * 1024) } }, 'BODY_TOO_LARGE', 413));
  it('rejects batched operations', () => rejected([{ query: '{ __typename }' }, { query: '{ __typename }' }], 'BATCHING_NOT_SUPPORTED', 400));
  it('serves the same shapes within the limits, and then calls the subgraphs', async () => {
    const frontend = await keyFor('frontend');
    const before = fetches;
    const body = await (await post({ query: aliased(20, (i) => `number(e164: "+4474001234${String(i).padStart(2, '0')}") { e164 }`) }, bearer(frontend))).json();
    expect(body.errors).toBeUndefined();
    expect(Object.keys(body.data)).toHaveLength(20);
    expect(fetches - before).toBeGreaterThan(0);
  });

  it('holds the limits for every operation of a document and for every variables, whatever the same text got before', async () => {
    const frontend = bearer(await keyFor('frontend'));
    const document = `query Small { __typename } query Big ${aliased(200, () => '__typename')}`;
    expect(codes(await (await post({ query: document, operationName: 'Big' }, frontend)).json())).toEqual(['ALIAS_LIMIT_EXCEEDED']);
    // the operation not run is validated all the same: it is held to the limits too
    expect(codes(await (await post({ query: document, operationName: 'Small' }, frontend)).json())).toEqual(['ALIAS_LIMIT_EXCEEDED']);
    const roots = `{ ${Array.from({ length: 780 }, () => '__typename').join(' ')} }`;
    const atTiny = fetches;
    expect(codes(await (await post({ query: `query Tiny { __typename } query Huge ${roots}`, operationName: 'Tiny' }, frontend)).json())).toEqual(['ROOT_FIELD_LIMIT_EXCEEDED']);
    expect(fetches).toBe(atTiny);

    const costly = 'query Blocks($carriers: Int, $blocks: Int) { carriers(first: $carriers) { edges { node { blocks(first: $blocks) { edges { node { prefix } } } } } } }';
    const small = { query: costly, variables: { carriers: 1, blocks: 1 } };
    const before = fetches;
    expect((await (await post(small, frontend)).json()).errors).toBeUndefined();
    const fetchesOfSmall = fetches - before;
    const atFetches = fetches;
    expect(codes(await (await post({ query: costly, variables: { carriers: 100, blocks: 100 } }, frontend)).json())).toEqual(['COST_LIMIT_EXCEEDED']);
    expect(fetches - atFetches).toBe(0);
    // the refusal is not remembered for the text: small variables are served again
    expect((await (await post(small, frontend)).json()).errors).toBeUndefined();
    expect(fetches - atFetches).toBe(fetchesOfSmall);
  });

  it('answers a contract operation for every first it accepts, by id or as text, and holds any other text to the cost limit', async () => {
    const inventoryLineage = operation('InventoryLineage');
    const id = readProjectManifest().operations.find((o) => o.name === 'InventoryLineage')!.id;
    const variables = { first: 500, filter: { country: 'GB' } };
    const byId = await (await post({ documentId: id, variables }, bearer(await keyFor('partner')))).json();
    expect(byId.data.numbers.edges).toBeInstanceOf(Array);
    expect(codes(byId) ?? []).not.toContain('COST_LIMIT_EXCEEDED');
    const asText = await (await post({ query: inventoryLineage, variables }, bearer(await keyFor('frontend')))).json();
    expect(asText.data.numbers.edges).toBeInstanceOf(Array);
    const changed = inventoryLineage.replace('e164', 'e164 number: e164');
    expect(codes(await (await post({ query: changed, variables }, bearer(await keyFor('frontend')))).json())).toEqual(['COST_LIMIT_EXCEEDED']);
  });

  it('prices provider fan-out: 20 aliased searches are refused before any subgraph is called', async () => {
    const frontend = bearer(await keyFor('frontend'));
    const searches = aliased(20, () => 'searchNumbers(input: { country: "GB" }, first: 1) { searchId }');
    const before = fetches;
    const refused = await (await post({ query: searches }, frontend)).json();
    expect(codes(refused)).toEqual(['COST_LIMIT_EXCEEDED']);
    expect(refused.errors[0].message).toMatch(/can cause 1,?200 calls to providers .*; the limit is 1,?000/);
    expect(fetches).toBe(before);
    // live status per number counts too: three pages of 500 numbers could make 1,500 status calls
    const page = (alias: string) => `${alias}: numbers(first: 500) { edges { node { live { status } } } }`;
    const live = await (await post({ query: `{ ${page('a')} ${page('b')} ${page('c')} }` }, frontend)).json();
    expect(codes(live)).toEqual(['COST_LIMIT_EXCEEDED']);
  });

  it('spends each key\'s budget of provider calls per minute (600 here): past it, 429', async () => {
    const frontend = bearer(await keyFor('frontend'));
    const search = { query: aliased(5, () => 'searchNumbers(input: { country: "GB" }, first: 1) { searchId }') }; // 300 calls
    for (let i = 0; i < 2; i++) expect((await (await post(search, frontend)).json()).errors).toBeUndefined();
    const over = await post(search, frontend);
    expect(over.status).toBe(429);
    expect(codes(await over.json())).toEqual(['RATE_LIMITED']);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    // without provider fields the key is still served, and another key has its own budget
    expect((await post({ query: '{ __typename }' }, frontend)).status).toBe(200);
    expect((await (await post(search, bearer(await keyFor('frontend')))).json()).errors).toBeUndefined();
  });

  it('limits requests per key, with a code and Retry-After', async () => {
    const frontend = await keyFor('frontend');
    // the window slides: at any moment, a window's end included, the key gets its 40 and no more
    const statuses: number[] = [];
    for (let i = 0; i < 41; i++) statuses.push((await post({ query: '{ __typename }' }, bearer(frontend))).status);
    expect(statuses.slice(0, 40).every((s) => s === 200)).toBe(true);
    const limited = await post({ query: '{ __typename }' }, bearer(frontend));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(codes(await limited.json())).toEqual(['RATE_LIMITED']);
    // another key keeps its own budget
    expect((await post({ query: '{ __typename }' }, bearer(await keyFor('frontend')))).status).toBe(200);
  });
});

describe('a subgraph service', () => {
  it('refuses a request without the gateway\'s signature, or signed with another secret', async () => {
    const secret = 's'.repeat(40);
    const served = await serveSubgraph(gateway.embedded.subgraphs.allocations!, createLogger({ LOG_LEVEL: 'silent' }), 0, '127.0.0.1', secret);
    try {
      const query = { query: '{ number(e164: "+447400123456") { country } }' };
      const unsigned = await postJson(served.url, query);
      expect(unsigned.status).toBe(401);
      expect(codes(await unsigned.json())).toEqual(['UNAUTHENTICATED']);
      const scope = { identity: { role: 'admin' as const, tenant: null, keyId: null }, requestId: 'r' };
      expect((await postJson(served.url, query, { [SIGNED_SCOPE_HEADER]: signScope(scope, 'o'.repeat(40), query) })).status).toBe(401);
      const header = signScope(scope, secret, query);
      const signed = await postJson(served.url, query, { [SIGNED_SCOPE_HEADER]: header });
      expect(await signed.json()).toEqual({ data: { number: { country: 'GB' } } });
      // a captured header: replayed, or sent with another body, runs nothing
      const replayed = await postJson(served.url, query, { [SIGNED_SCOPE_HEADER]: header });
      expect(replayed.status).toBe(401);
      const fresh = signScope(scope, secret, query);
      const otherBody = await postJson(served.url, { query: '{ carrier(id: "gb:hutchison-3g-uk-ltd") { name } }' }, { [SIGNED_SCOPE_HEADER]: fresh });
      expect(otherBody.status).toBe(401);
      expect(codes(await otherBody.json())).toEqual(['UNAUTHENTICATED']);
      const otherVariables = { query: 'query N($e: String!) { number(e164: $e) { country } }', variables: { e: '+447400123456' } };
      const forVariables = signScope(scope, secret, otherVariables);
      expect((await postJson(served.url, { ...otherVariables, variables: { e: '+33612345678' } }, { [SIGNED_SCOPE_HEADER]: forVariables })).status).toBe(401);
      expect(await (await postJson(served.url, otherVariables, { [SIGNED_SCOPE_HEADER]: forVariables })).json()).toEqual({ data: { number: { country: 'GB' } } });
      // signed, but not JSON: refused as a bad request, naming what was wrong
      const notJson = '{"query": "{ number';
      const bad = await fetch(served.url, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNED_SCOPE_HEADER]: signScope(scope, secret, notJson) }, body: notJson });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ errors: [{ message: 'The request body is not JSON', extensions: { code: 'BAD_REQUEST' } }] });
    } finally {
      await served.stop();
    }
  });
});

describe('browsers and operators', () => {
  it('prevents CSRF: a simple (non-preflighted) request is refused', async () => {
    const response = await fetch(`${gateway.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: bearer(await keyFor('frontend')) });
    expect(response.status).toBe(403);
  });

  it('allows only the listed CORS origins', async () => {
    const preflight = (origin: string) =>
      fetch(gateway.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' } });
    expect((await preflight(ORIGIN)).headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect((await preflight('https://evil.example.com')).headers.get('access-control-allow-origin')).not.toBe('https://evil.example.com');
  });

  const adminMetrics = async () => {
    const { key } = await gateway.embedded.keys.create({ role: 'admin', tenant: null, name: 'e2e metrics' });
    const response = await fetch(new URL('/metrics', gateway.url), { headers: bearer(key) });
    expect(response.status).toBe(200);
    return response.text();
  };

  it('answers /health and /ready, and counts what was served in /metrics', async () => {
    expect((await fetch(new URL('/health', gateway.url))).status).toBe(200);
    expect((await fetch(new URL('/ready', gateway.url))).status).toBe(200);
    const partner = await keyFor('partner');
    for (let i = 0; i < 3; i++) await post({ documentId: LINEAGE_ID, variables: { e164: '+447400123456' } }, bearer(partner));
    await post({ query: aliased200() }, bearer(partner));
    const analyst = await keyFor('analyst');
    await post({ query: 'query Lineage { number(e164: "+447400123456") { noSuchField } }' }, bearer(analyst));
    const metrics = await adminMetrics();
    const served = /graphql_envelop_request_duration_count\{[^}]*operationName="Lineage"[^}]*\} (\d+)/.exec(metrics);
    expect(Number(served?.[1])).toBeGreaterThanOrEqual(3);
    expect(metrics).toMatch(/numbergraph_errors_total\{code="PERSISTED_QUERY_NOT_IN_LIST"\} [1-9]/);
    expect(metrics).toMatch(/graphql_gateway_subgraph_execute_duration_count\{[^}]*subgraphName="allocations"/);
    // a document that fails validation counts as an error of that phase, under its operation's name
    expect(metrics).toMatch(/graphql_envelop_error_result\{operationName="Lineage",operationType="query",phase="validate"\} [1-9]/);
  });

  it('keeps tenants\' operation names and aliased error paths out of /metrics', async () => {
    const key = await keyFor('frontend');
    for (let i = 0; i < 20; i++) {
      const response = await post({ query: `query AcmeSecretPlan${i} { e${i}: number(e164: "+4474") { e164 } }` }, bearer(key));
      expect(response.status).toBe(200);
    }
    const metrics = await adminMetrics();
    const names = new Set([...metrics.matchAll(/operationName="([^"]*)"/g)].map((m) => m[1]));
    // the project's names, and globex's CarrierName (registered, run by id above)
    const project = new Set([...readProjectManifest().operations.map((o) => o.name), 'CarrierName']);
    expect([...names].filter((name) => !project.has(name!) && name !== 'other' && name !== 'Anonymous')).toEqual([]);
    expect(names).toContain('other');
    expect(metrics).not.toMatch(/AcmeSecretPlan|path="|url="|:\/\//);
  });

  it('hides /metrics on the API port from anyone but an admin key', async () => {
    expect((await fetch(new URL('/metrics', gateway.url))).status).toBe(404);
    expect((await fetch(new URL('/metrics', gateway.url), { headers: bearer(await keyFor('analyst')) })).status).toBe(404);
    expect((await fetch(new URL('/metrics', gateway.url), { headers: bearer(`ng_${'B'.repeat(43)}`) })).status).toBe(404);
  });
});

function aliased200(): string {
  return `{ ${Array.from({ length: 200 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
}

describe('introspection at the default limits', () => {
  it('answers graphql-js\'s full introspection query to an analyst\'s key, and gives no schema to a frontend or partner key', async () => {
    const full = { query: getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true, directiveIsRepeatable: true, schemaDescription: true }) };
    const analyst = await (await post(full, bearer(await keyFor('analyst')))).json();
    expect(analyst.errors).toBeUndefined();
    expect(analyst.data.__schema.queryType.name).toBe('Query');
    for (const role of ['frontend', 'partner'] as const) {
      const refused = await (await post(full, bearer(await keyFor(role)))).json();
      expect(refused.data ?? null).toBeNull();
      expect(refused.errors.length).toBeGreaterThan(0);
    }
  });
});
