/** The distributed shape as separate processes answers every contract operation as the embedded default does, without crossing tenants. */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProjectManifest } from '../gateway/operations/manifest.js';
import { SIGNED_SCOPE_HEADER, signScope } from '../contracts/signed-scope.js';
import { SUBGRAPH_NAMES } from '../subgraphs/names.js';
import { CROSSABLE, crossedAnswers } from './support/crossed-answers.js';
import { operation, startInventoryGateway } from './support/gateway.js';
import { postJson } from './support/http.js';
import { removeEventsNamespace, testEventsNamespace } from './support/events.js';
import { freePort, startService, waitUntil, type Service } from './support/processes.js';

/**
 * The distributed shape as it is deployed: `npm run start:subgraph` four times and
 * `npm run start:gateway` (twice, when REDIS_URL is set, for the shared APQ cache), each its
 * own process, the subgraphs each on their own schema of the DATABASE_URL database. Every
 * contract operation must answer exactly as the embedded default does. Needs a Postgres server
 * (DATABASE_URL): PGlite is one process's database. Both shapes read one provider simulator
 * (the embedded one's) into one inventory database of this file's own, so inventory answers,
 * `live` included, must be equal too.
 */
const DATABASE_URL = process.env.DATABASE_URL;
const REDIS_URL = process.env.REDIS_URL;

/** One run of a contract operation: its variables, and who asks (no headers: the development analyst). */
interface Sample {
  variables: Record<string, unknown>;
  headers?: Record<string, string>;
  /** The code of the one error the answer carries (e.g. BAD_USER_INPUT); none when absent. */
  error?: string;
}

/** What the samples need from the running world: a tenant's key and a number to order. */
interface SampleContext {
  tenantHeaders: Record<string, string>;
  orderInput: Record<string, unknown>;
}

/** Samples per contract operation; an operation the project adds needs its samples here. */
const samples = ({ tenantHeaders, orderInput }: SampleContext): Record<string, Sample[]> => ({
  Lineage: [
    ...[{ e164: '+447400123456' }, { e164: '+14162015555' }, { e164: '+4920112345678' }].map((variables) => ({ variables })),
    { variables: { e164: '12345' }, error: 'BAD_USER_INPUT' },
  ],
  InventoryLineage: [{ first: 10 }, { first: 5, filter: { country: 'GB', numberType: 'MOBILE' } }].map((variables) => ({ variables })),
  // a market without stock answers null
  MarketDepth: [
    { country: 'FR', numberType: 'MOBILE' },
    { country: 'GB', numberType: 'TOLL_FREE' },
    { country: 'ZW', numberType: 'PAGER' },
  ].map((variables) => ({ variables })),
  // placed once through the distributed gateway first: both shapes answer that first order again
  OrderNumbers: [{ variables: { input: orderInput }, headers: tenantHeaders }],
  // readiness for an end user the caller does not have is null, for the analyst and for a tenant; a bad number is refused alone
  CheckOrder: [
    { variables: { e164s: ['+447400123456', '+14162015555'], endUserId: 'no-such-end-user' }, headers: tenantHeaders },
    { variables: { e164s: ['+33612345678'], endUserId: 'no-such-end-user' } },
    { variables: { e164s: ['+447400123456', '12345'], endUserId: 'no-such-end-user' }, headers: tenantHeaders, error: 'BAD_USER_INPUT' },
  ],
});

describe.skipIf(!DATABASE_URL)('the distributed shape, as separate processes (needs DATABASE_URL)', () => {
  const secret = randomBytes(32).toString('hex');
  const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const eventsNamespace = testEventsNamespace();
  const services: Service[] = [];
  const subgraphUrls: Record<string, string> = {};
  let gateways: Service[] = [];
  let embedded: Awaited<ReturnType<typeof startInventoryGateway>>;
  /** A gateway whose routing subgraph answers through `slowRouting`, for the SIGTERM test. */
  let drained: Service;
  let slowRouting: Server;
  let routingCalled: () => void = () => undefined;

  let context: SampleContext;
  /** The first answer to the sample order, placed through the distributed gateway. */
  let placed: unknown;
  let partnerKey: string;
  let tenant: string;

  beforeAll(async () => {
    // every process here, the embedded one too, publishes and follows in one namespace of this file's
    embedded = await startInventoryGateway({ env: { NATS_URL, EVENTS_NAMESPACE: eventsNamespace } });
    const INVENTORY_DATABASE_URL = embedded.inventoryDatabaseUrl!;
    const simulator = embedded.embedded.providers.simulator!;
    const env = { DATABASE_URL: DATABASE_URL!, GATEWAY_SIGNING_SECRET: secret, EVENTS_NAMESPACE: eventsNamespace };
    const inventoryEnv = { INVENTORY_DATABASE_URL, PROVIDERS_URL: simulator.url, SYNC_INTERVAL_SECONDS: '0' };
    // routing follows the inventory's events over NATS JetStream and pushes routes to the same providers
    const routingEnv = { NATS_URL, PROVIDERS_URL: simulator.url };
    for (const name of SUBGRAPH_NAMES) {
      const service = startService(name, 'start:subgraph', await freePort(), { ...env, SUBGRAPH: name, ...(name === 'inventory' ? inventoryEnv : name === 'routing' || name === 'compliance' ? routingEnv : {}) });
      services.push(service);
      subgraphUrls[name] = service.url;
    }
    const urls = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`${name.toUpperCase()}_URL`, subgraphUrls[name]!]));
    // the load of the tenant-isolation test below runs past the default rate limit per key
    const gatewayEnv = { ...env, ...urls, RATE_LIMIT_REQUESTS: '100000', ...(REDIS_URL ? { REDIS_URL } : {}) };
    gateways = [startService('gateway', 'start:gateway', await freePort(), gatewayEnv)];
    if (REDIS_URL) gateways.push(startService('second gateway', 'start:gateway', await freePort(), gatewayEnv));
    slowRouting = await delayingProxy(() => subgraphUrls.routing!, 700, () => routingCalled());
    drained = startService('draining gateway', 'start:gateway', await freePort(), {
      ...gatewayEnv,
      ROUTING_URL: `http://127.0.0.1:${(slowRouting.address() as AddressInfo).port}/`,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    });
    services.push(...gateways, drained);
    // a gateway is ready when its database and every subgraph service answer
    await Promise.all([...gateways, drained].map((gateway) => waitUntil(gateway, async () => (await fetch(new URL('/ready', gateway.url))).status === 200)));

    // The edge's keys live in DATABASE_URL, which both shapes read: one tenant, one key each role.
    tenant = `distributed-${randomBytes(4).toString('hex')}`;
    const frontend = await embedded.embedded.keys.create({ role: 'frontend', tenant, name: 'distributed e2e' });
    partnerKey = (await embedded.embedded.keys.create({ role: 'partner', tenant, name: 'distributed e2e partner' })).key;
    const number = simulator.world.numbers.find((n) => n.status === 'available' && n.country === 'GB' && n.numberType === 'MOBILE')!;
    context = { tenantHeaders: { authorization: `Bearer ${frontend.key}` }, orderInput: { numbers: [number.e164], idempotencyKey: 'distributed-order-1' } };
    placed = await (await postJson(gateways[0]!.url, { query: operation('OrderNumbers'), variables: { input: context.orderInput } }, context.tenantHeaders)).json();
  });
  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    slowRouting?.closeAllConnections();
    await new Promise((resolve) => slowRouting?.close(resolve));
    await embedded?.close();
    await removeEventsNamespace(NATS_URL, eventsNamespace);
  });

  it('answers every contract operation as the embedded default does', async () => {
    const operations = readProjectManifest().operations;
    expect(operations.length).toBeGreaterThan(0);
    const SAMPLES = samples(context);
    for (const contract of operations) {
      const runs = SAMPLES[contract.name];
      if (!runs) throw new Error(`add sample variables for the contract operation ${contract.name} to SAMPLES`);
      for (const { variables, headers, error } of runs) {
        const distributed = await (await postJson(gateways[0]!.url, { query: contract.body, variables }, headers)).json();
        const inProcess = await embedded.request(contract.body, variables, headers);
        const label = `${contract.name} ${JSON.stringify(variables)}`;
        // equal answers must also be right ones: no error but the one expected
        expect(distributed.errors?.map((e: { extensions?: { code?: string } }) => e.extensions?.code), label).toEqual(error ? [error] : undefined);
        expect(distributed, label).toEqual(inProcess);
      }
    }
  });

  it('orders once for a tenant across both shapes, and serves a partner the order by persisted id', async () => {
    const order = (placed as { data: { orderNumbers: { order: { id: string; status: string; numbers: unknown[] }; userErrors: unknown[] } } }).data.orderNumbers;
    expect(order.userErrors).toEqual([]);
    expect(order.order.status).toBe('COMPLETED');
    const variables = { input: context.orderInput };
    // the same key and input, from either shape: the first order again
    expect(await embedded.request(operation('OrderNumbers'), variables, context.tenantHeaders)).toEqual(placed);
    const id = readProjectManifest().operations.find((o) => o.name === 'OrderNumbers')!.id;
    const byId = { extensions: { persistedQuery: { version: 1, sha256Hash: id } }, variables };
    const partner = { authorization: `Bearer ${partnerKey}` };
    expect(await (await postJson(gateways[0]!.url, byId, partner)).json()).toEqual(placed);
    expect(await (await postJson(embedded.url, byId, partner)).json()).toEqual(placed);
    // the distributed inventory ordered at the embedded shape's simulator (PROVIDERS_URL): the holder says so to both
    const LIVE = { query: 'query($e164: String!) { number(e164: $e164) { live { available } } }', variables: { e164: (context.orderInput.numbers as string[])[0] } };
    for (const url of [gateways[0]!.url, embedded.url]) expect(await (await postJson(url, LIVE)).json()).toEqual({ data: { number: { live: { available: false } } } });
    // and the partner's free text is refused by both
    for (const url of [gateways[0]!.url, embedded.url]) {
      const text = await (await postJson(url, { query: operation('OrderNumbers'), variables }, partner)).json();
      expect(text.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    }
  });

  it.each([20, 50])('never hands one tenant another\'s answer: 1,000 requests of two tenants and an analyst at concurrency %i', async (concurrency) => {
    const order = (placed as { data: { orderNumbers: { order: { id: string } } } }).data.orderNumbers.order;
    const key = async (owner: string | null) =>
      `Bearer ${(await embedded.embedded.keys.create(owner ? { role: 'frontend', tenant: owner, name: 'distributed isolation' } : { role: 'analyst', name: 'distributed isolation' })).key}`;
    const callers = [
      { name: 'owner', headers: context.tenantHeaders },
      { name: 'other tenant', headers: { authorization: await key(`${tenant}-other`) } },
      { name: 'analyst', headers: { authorization: await key(null) } },
    ];
    const body = { query: CROSSABLE, variables: { e164: (context.orderInput.numbers as string[])[0], order: order.id } };
    const result = await crossedAnswers(gateways[0]!.url, callers, body, 1_000, concurrency);
    expect(JSON.parse(result.alone.owner!).data).toMatchObject({ number: { status: 'ASSIGNED' }, order: { id: order.id } });
    for (const other of ['other tenant', 'analyst']) expect(JSON.parse(result.alone[other]!).data).toMatchObject({ number: { status: 'UNAVAILABLE' }, order: null });
    expect(result.crossed, JSON.stringify(result.examples)).toBe(0);
  });

  it('has subgraph services refuse a caller without the gateway\'s signature', async () => {
    const query = { query: '{ __typename }' };
    const unsigned = await postJson(subgraphUrls.allocations!, query);
    expect(unsigned.status).toBe(401);
    expect(JSON.stringify(await unsigned.json())).toMatch(/UNAUTHENTICATED/);
    const otherSecret = signScope({ identity: { role: 'admin', tenant: null, keyId: null }, requestId: 'x' }, 'z'.repeat(32), query);
    expect((await postJson(subgraphUrls.allocations!, query, { [SIGNED_SCOPE_HEADER]: otherSecret })).status).toBe(401);
    const signed = signScope({ identity: { role: 'analyst', tenant: null, keyId: null }, requestId: 'x' }, secret, query);
    expect((await postJson(subgraphUrls.allocations!, query, { [SIGNED_SCOPE_HEADER]: signed })).status).toBe(200);
    // made for that request, once: not again, and not for another body
    expect((await postJson(subgraphUrls.allocations!, query, { [SIGNED_SCOPE_HEADER]: signed })).status).toBe(401);
    const another = signScope({ identity: { role: 'analyst', tenant: null, keyId: null }, requestId: 'y' }, secret, query);
    expect((await postJson(subgraphUrls.allocations!, { query: '{ number(e164: "+447400123456") { country } }' }, { [SIGNED_SCOPE_HEADER]: another })).status).toBe(401);
  });

  it('completes a request in flight when the gateway process gets SIGTERM, then stops', async () => {
    const routingReached = new Promise<void>((resolve) => (routingCalled = resolve));
    const pending = postJson(drained.url, { query: '{ number(e164: "+447400123456") { country route { voice { uri } } } }' });
    await routingReached;
    // as a process manager does: the whole group (npm, tsx, node) gets SIGTERM
    process.kill(-drained.child.pid!, 'SIGTERM');
    const response = await pending;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { number: { country: 'GB', route: null } } });
    // npm goes at once; the gateway's own process logs its drain and stop (through the pipe it still holds)
    for (let waited = 0; waited < 15_000 && !/"msg":"stopped"/.test(drained.output()); waited += 100) await new Promise((r) => setTimeout(r, 100));
    expect(drained.output()).toMatch(/"msg":"draining and stopping"[\s\S]*"msg":"stopped"/);
  });

  it.skipIf(!REDIS_URL)('shares automatic persisted queries between gateway processes through Redis (needs REDIS_URL)', async () => {
    // a query no other run has stored: the hash is new
    const query = `{ number(e164: "+447400123456") { country } n${randomBytes(4).toString('hex')}: __typename }`;
    const extensions = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };
    const [first, second] = gateways as [Service, Service];
    expect((await (await postJson(second.url, { extensions })).json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const stored = await (await postJson(first.url, { query, extensions })).json();
    expect(stored.data.number).toEqual({ country: 'GB' });
    expect(await (await postJson(second.url, { extensions })).json()).toEqual(stored);
  });
});

/** An HTTP proxy to `target()` that holds each request `delayMs` before passing it on. */
async function delayingProxy(target: () => string, delayMs: number, onRequest: () => void): Promise<Server> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    if (!body.includes('__typename') || body.includes('_entities')) onRequest();
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => ['content-type', 'accept', SIGNED_SCOPE_HEADER, 'x-request-id'].includes(name))) as Record<string, string>;
    try {
      const upstream = await fetch(target(), { method: req.method, headers, body: req.method === 'POST' ? body : undefined });
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(await upstream.text());
    } catch {
      // the routing service already stopped (the gateway's readiness probe outlived the test): as a dead upstream would
      res.writeHead(502).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
