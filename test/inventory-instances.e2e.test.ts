/** Two inventory instances on one Postgres syncing, ordering and paging searches at once, surviving one SIGKILLed mid-order. */
import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type StartedSimulator } from '../providers/simulator/server.js';
import { SIGNED_SCOPE_HEADER, signScope } from '../contracts/signed-scope.js';
import { freshDatabase } from './support/database.js';
import { freePort, startService, waitUntil, type Service } from './support/processes.js';

/**
 * Several inventory instances on one Postgres database (`npm run start:subgraph` twice, each
 * syncing every second from one provider simulator, with its worker and relay) taking orders,
 * syncing and paging searches at once; then one of them killed (SIGKILL) in the middle of 20
 * orders and restarted. Needs DATABASE_URL: PGlite is one process's database.
 */
const DATABASE_URL = process.env.DATABASE_URL;
/** How long both instances take orders and sync at once (30 s, as the fault probe that found the races ran). */
const BUSY_SECONDS = Number(process.env.INSTANCES_TEST_SECONDS ?? 30);

describe.skipIf(!DATABASE_URL)('two inventory instances on one Postgres database (needs DATABASE_URL)', () => {
  const secret = randomBytes(32).toString('hex');
  let simulator: StartedSimulator;
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let db: Kysely<any>;
  let url = '';
  const instances: Service[] = [];
  const startInstance = async (name: string) => {
    const service = startService(name, 'start:subgraph', await freePort(), {
      SUBGRAPH: 'inventory',
      GATEWAY_SIGNING_SECRET: secret,
      INVENTORY_DATABASE_URL: url,
      DATABASE_URL: url,
      PROVIDERS_URL: simulator.url,
      SYNC_INTERVAL_SECONDS: '1',
      ORDER_WAIT_MS: '2000',
    });
    await waitUntil(service, async () => (await ask(service, '{ providers(first: 1) { totalCount } }')).data?.providers?.totalCount > 0);
    return service;
  };
  const ask = async (service: Service, query: string, variables: Record<string, unknown> = {}, tenant: string | null = null) => {
    const identity = tenant ? { role: 'frontend' as const, tenant, keyId: `key-${tenant}` } : { role: 'analyst' as const, tenant: null, keyId: null };
    const response = await fetch(service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNED_SCOPE_HEADER]: signScope({ identity, requestId: 'instances' }, secret, { query, variables }) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: any; errors?: { message: string }[] };
  };
  const ORDER = `mutation($input: OrderNumbersInput!) { orderNumbers(input: $input) { order { id status } userErrors { code } } }`;

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0, instant: true, orderDelayMs: 20 });
    database = await freshDatabase();
    url = database.target.kind === 'postgres' ? database.target.url : '';
    db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }) });
    // the first migrates and syncs; the second starts beside it
    instances.push(await startInstance('inventory a'));
    instances.push(await startInstance('inventory b'));
  });
  afterAll(async () => {
    await Promise.all(instances.map((s) => s.stop()));
    await db?.destroy();
    await database?.close();
    await simulator?.close();
  });

  it('syncs, orders and pages searches on both at once, then survives one killed mid-order: nothing missing, nothing settled twice, one owner each', async () => {
    const world = simulator.world;
    const stock = world.numbers.filter((n) => n.status === 'available').map((n) => n.e164);
    const errors: string[] = [];
    const orderIds: string[] = [];
    const order = async (service: Service, tenant: string, numbers: string[], key: string) => {
      const result = await ask(service, ORDER, { input: { numbers, idempotencyKey: key } }, tenant);
      if (result.errors) errors.push(...result.errors.map((e) => `${service.name}: ${e.message}`));
      if (result.data?.orderNumbers?.order) orderIds.push(result.data.orderNumbers.order.id);
    };

    // busy: orders on both (two tenants racing for the same numbers), feed changes for the syncs
    const end = Date.now() + BUSY_SECONDS * 1000;
    const withdrawn = new Set<string>();
    let round = 0;
    while (Date.now() < end) {
      const numbers = stock.splice(0, 2);
      const provider = world.providers[round % world.providers.length]!;
      const offer = world.offers.filter((o) => o.providerId === provider.id)[round];
      if (offer) {
        simulator.withdraw(provider.id, [offer.e164]);
        withdrawn.add(`${provider.id} ${offer.e164}`);
      }
      await Promise.all([
        order(instances[0]!, 'tenant-a', numbers, `busy-a-${round}`),
        order(instances[1]!, 'tenant-b', numbers, `busy-b-${round}`),
      ]);
      round++;
    }

    // a search made on one instance is paged on the other
    const SEARCH = `query($i: SearchNumbersInput, $id: ID, $after: String) { searchNumbers(input: $i, searchId: $id, first: 5, after: $after) { searchId results { edges { cursor node { e164 } } } } }`;
    const first = await ask(instances[0]!, SEARCH, { i: { country: 'GB' } }, 'tenant-a');
    expect(first.errors).toBeUndefined();
    const edges = first.data.searchNumbers.results.edges;
    const next = await ask(instances[1]!, SEARCH, { id: first.data.searchNumbers.searchId, after: edges.at(-1).cursor }, 'tenant-a');
    expect(next.errors).toBeUndefined();
    expect(next.data.searchNumbers.results.edges.length).toBeGreaterThan(0);

    // SIGKILL in the middle of 20 concurrent orders, then a restart
    const victim = instances[1]!;
    const inFlight = Array.from({ length: 20 }, (_, i) => order(victim, `tenant-k${i % 3}`, stock.splice(0, 1), `kill-${i}`).catch(() => undefined));
    await new Promise((resolve) => setTimeout(resolve, 150));
    process.kill(-victim.child.pid!, 'SIGKILL');
    await Promise.all(inFlight);
    errors.splice(0, errors.length, ...errors.filter((e) => !e.startsWith(victim.name)));
    instances[1] = await startInstance('inventory b again');

    // every order line settles (the workers finish what the killed process left)
    const deadline = Date.now() + 60_000;
    let open = 1;
    while (open > 0 && Date.now() < deadline) {
      open = (await db.selectFrom('inventory.order_lines').select('e164').where('state', 'in', ['claimed', 'sent', 'accepted', 'pending']).execute()).length;
      if (open > 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(open).toBe(0);
    expect(errors).toEqual([]);
    expect(orderIds.length).toBeGreaterThan(0);

    // nothing missing from the catalogue: every number some provider still offers is there
    const offered = new Set(world.offers.filter((o) => !withdrawn.has(`${o.providerId} ${o.e164}`)).map((o) => o.e164));
    const catalogued = new Set((await db.selectFrom('inventory.numbers').select('e164').where('removed_at', 'is', null).execute()).map((r: { e164: string }) => r.e164));
    expect([...offered].filter((e164) => !catalogued.has(e164))).toEqual([]);

    // no line settled twice; one owner per number, the one whose line completed
    const settled = await db.selectFrom('inventory.outbox').select(['aggregate_id', 'payload']).where('type', '=', 'order.line_settled').execute();
    const lineKeys = settled.map((e: { aggregate_id: string; payload: string }) => `${e.aggregate_id}:${JSON.parse(e.payload).position}`);
    expect(new Set(lineKeys).size).toBe(lineKeys.length);
    const completed = await db.selectFrom('inventory.order_lines as l').innerJoin('inventory.orders as o', 'o.id', 'l.order_id').select(['l.e164', 'o.tenant']).where('l.status', '=', 'completed').execute();
    const owners = new Map<string, string[]>();
    for (const line of completed) owners.set(line.e164, [...(owners.get(line.e164) ?? []), line.tenant]);
    expect([...owners.values()].filter((tenants) => tenants.length > 1)).toEqual([]);
    const assigned = await db.selectFrom('inventory.numbers').select(['e164', 'tenant']).where('status', '=', 'assigned').where('tenant', 'is not', null).execute();
    for (const row of assigned) expect(owners.get(row.e164)).toEqual([row.tenant]);

    // the outbox holds one event per change: per number and per order, versions 1, 2, 3... without a gap or a repeat
    const versions = await db.selectFrom('inventory.outbox').select(['aggregate', 'aggregate_id', 'version']).orderBy('id').execute();
    const byAggregate = new Map<string, number[]>();
    for (const e of versions) byAggregate.set(`${e.aggregate}:${e.aggregate_id}`, [...(byAggregate.get(`${e.aggregate}:${e.aggregate_id}`) ?? []), e.version]);
    const broken = [...byAggregate].filter(([, v]) => !v.every((x, i) => x === i + 1));
    expect(broken).toEqual([]);

    // MarketDepth's kept facts and counts, after both synced, ordered and one was killed: each
    // number's chain as a fresh walk gives it, each count as the numbers give it
    const stale = await sql<{ n: number }>`
      select count(*)::int as n from inventory.numbers n
      cross join lateral inventory.number_chain(n.e164, coalesce(n.assigned_via_provider_id, n.holder_provider_id)) c
      where (n.chain_tier, n.chain_providers, n.chain_carrier_id) is distinct from (c.tier, c.providers, c.carrier_id)`.execute(db);
    expect(stale.rows[0]!.n).toBe(0);
    const miscounted = await sql<{ n: number }>`
      with kept as (
        select country, number_type, holder_id, chain_tier, chain_providers, chain_carrier_id, sum(numbers)::int as numbers
        from (select country, number_type, holder_id, chain_tier, chain_providers, chain_carrier_id, numbers from inventory.market_depth
              union all select country, number_type, holder_id, chain_tier, chain_providers, chain_carrier_id, numbers from inventory.market_depth_changes) k
        group by 1, 2, 3, 4, 5, 6 having sum(numbers) <> 0
      ), counted as (
        select country, number_type, coalesce(assigned_via_provider_id, holder_provider_id) as holder_id, chain_tier, chain_providers, chain_carrier_id, count(*)::int as numbers
        from inventory.numbers where removed_at is null and coalesce(assigned_via_provider_id, holder_provider_id) is not null
        group by 1, 2, 3, 4, 5, 6
      )
      select count(*)::int as n from kept k full join counted c using (country, number_type, holder_id, chain_tier, chain_providers, chain_carrier_id)
      where k.numbers is distinct from c.numbers`.execute(db);
    expect(miscounted.rows[0]!.n).toBe(0);
  }, 120_000 + BUSY_SECONDS * 2_000);
});
