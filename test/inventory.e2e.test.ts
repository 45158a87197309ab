/** The inventory over the simulator: lineage batching, chains and tiers, MarketDepth, search, sync, reserving, ordering, releasing under faults. */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { World, WorldOffer } from '../providers/generator/world.js';
import { graphql, type ExecutionResult } from 'graphql';
import type { Identity } from '../contracts/identity.js';
import { chainFrom, type ChainOffer } from '../subgraphs/inventory/domain/chain.js';
import { operation, startInventoryGateway, type TestGateway } from './support/gateway.js';
import type { GraphQLResult } from './support/http.js';
import { eventually } from './support/eventually.js';

/**
 * The inventory through the gateway, over the provider simulator started by the embedded
 * default and a catalogue synced from its feeds. Expectations are computed from the
 * simulator's generated world, never from the inventory's own tables.
 */
let gateway: TestGateway;
let world: World;
beforeAll(async () => {
  gateway = await startInventoryGateway({
    providers: { simulator: { instant: true, orderDelayMs: 5 }, policy: { timeoutMs: 1000, breaker: { consecutiveFailures: 3, halfOpenAfterMs: 200 } } },
    // a holder down after accepting keeps the mutation waiting this long before it answers PENDING
    env: { ORDER_WAIT_MS: '1000' },
  });
  world = gateway.embedded.providers.simulator!.world;
});
afterAll(async () => {
  await gateway?.close();
});

const recorder = () => gateway.embedded.providers.directory!.recorder;
const statements = () => Object.values(gateway.embedded.subgraphs).reduce((n, s) => n + s.statements.count, 0);

/**
 * Runs an operation on the inventory subgraph alone as a tenant's key would (null: an analyst).
 * Its data is read field by field as a client reads JSON (GraphQLResult's shape).
 */
async function as(tenant: string | null, source: string, variableValues: Record<string, unknown>): Promise<Pick<GraphQLResult, 'data'> & Pick<ExecutionResult, 'errors'>> {
  const inventory = gateway.embedded.subgraphs.inventory;
  const identity: Identity = tenant ? { role: 'frontend', tenant, keyId: `key-${tenant}` } : { role: 'analyst', tenant: null, keyId: null };
  const { data, errors } = await graphql({ schema: inventory.schema, source, variableValues, contextValue: inventory.createContext({ identity, requestId: 'test' }) });
  return { data, errors };
}

describe('InventoryLineage', () => {
  const INVENTORY_LINEAGE = operation('InventoryLineage');

  it('is kept word for word as the contract states it', () => {
    for (const name of ['InventoryLineage', 'MarketDepth', 'OrderNumbers']) {
      const contract = new URL(`../../shared/contract/${name}.graphql`, import.meta.url);
      if (existsSync(contract)) expect(operation(name)).toBe(readFileSync(contract, 'utf8'));
    }
  });

  it('runs the same SQL for 10, 100 and 500 numbers, and ceil(n / batch limit) status calls per holder', async () => {
    const sqlCounts: number[] = [];
    const inventorySql: number[] = [];
    const inventory = gateway.embedded.subgraphs.inventory!.statements;
    for (const first of [10, 100, 500]) {
      recorder().resetCounts();
      const before = statements();
      const inventoryBefore = inventory.count;
      const result = await gateway.request(INVENTORY_LINEAGE, { first, filter: { country: 'GB' } });
      sqlCounts.push(statements() - before);
      inventorySql.push(inventory.count - inventoryBefore);
      expect(result.errors).toBeUndefined();
      const edges = result.data!.numbers.edges as { node: { e164: string; holder: { id: string }; live: unknown; tier: number } }[];
      expect(edges).toHaveLength(first);
      // Live status is asked of each holder once per batch limit of its numbers on the page.
      const perHolder = new Map<string, number>();
      for (const { node } of edges) perHolder.set(node.holder.id, (perHolder.get(node.holder.id) ?? 0) + 1);
      const expected = Object.fromEntries([...perHolder].map(([id, n]) => [id, { status: Math.ceil(n / world.providers.find((p) => p.id === id)!.batchLimit) }]));
      expect(recorder().callCounts()).toEqual(expected);
      for (const { node } of edges) expect(node.live).not.toBeNull();
    }
    expect(new Set(sqlCounts).size).toBe(1);
    // inventory's share: the page, its count, the offers, the providers (holder and chains together)
    expect(inventorySql).toEqual([4, 4, 4]);
  });

  it('pages with cursors and counts every GB number of the world', async () => {
    const first = await gateway.request(INVENTORY_LINEAGE, { first: 3, filter: { country: 'GB' } });
    const next = await gateway.request(INVENTORY_LINEAGE, { first: 3, after: first.data!.numbers.pageInfo.endCursor, filter: { country: 'GB' } });
    const e164s = [...first.data!.numbers.edges, ...next.data!.numbers.edges].map((e: { node: { e164: string } }) => e.node.e164);
    const gb = world.numbers.filter((n) => n.country === 'GB').map((n) => n.e164).sort();
    expect(e164s).toEqual(gb.slice(0, 6));
    expect(first.data!.numbers.totalCount).toBe(gb.length);
    const tooMany = await gateway.request(INVENTORY_LINEAGE, { first: 501 });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

const worldOffer = (providerId: string, e164: string) => world.offers.find((o) => o.providerId === providerId && o.e164 === e164);

/**
 * A chain computed from the world's declared sources, as the test's own reference. A number
 * bought outright from a provider that lists it no more ends at the carrier that provider declared,
 * that provider the last hop.
 */
function worldChain(providerId: string, e164: string): { providers: string[]; tier: number } {
  const providers: string[] = [];
  let current: string | null = providerId;
  while (current) {
    providers.push(current);
    const offer: WorldOffer = worldOffer(current, e164)!;
    const from: string | null = offer.source.providerId;
    if (offer.source.carrierId && (from === null || !worldOffer(from, e164))) {
      if (from !== null) providers.push(from);
      const selfSold = world.providers.find((p) => p.id === providers.at(-1))!.carrierId === offer.source.carrierId;
      return { providers, tier: providers.length - (selfSold ? 1 : 0) };
    }
    current = from;
  }
  throw new Error('unreachable');
}

/**
 * The holder of a number in stock, from the world: the carrier selling its own number, else the
 * lowest-id provider buying it from a carrier, else the lowest-id provider that bought it outright
 * from a provider that lists it no more.
 */
function worldHolder(e164: string) {
  const offers = world.offers.filter((o) => o.e164 === e164 && o.source.carrierId !== null).sort((a, b) => a.providerId.localeCompare(b.providerId));
  const direct = offers.filter((o) => o.source.providerId === null);
  const boughtOut = offers.filter((o) => o.source.providerId !== null && !worldOffer(o.source.providerId, e164));
  return direct.find((o) => world.providers.find((p) => p.id === o.providerId)!.carrierId === o.source.carrierId) ?? direct[0] ?? boughtOut[0]!;
}

/** A number a Tier 2 holds itself (bought from a Tier 1), that a Tier 3 resells. */
function heldByTier2AndResold() {
  const tierOf = new Map(world.providers.map((p) => [p.id, p.tier]));
  const resale = world.offers.find((o) => {
    if (tierOf.get(o.providerId) !== 3 || o.source.carrierId !== null || !o.source.providerId) return false;
    const held = worldOffer(o.source.providerId, o.e164)!;
    return held.source.carrierId !== null && held.source.providerId !== null;
  })!;
  return { resale, held: worldOffer(resale.source.providerId!, resale.e164)! };
}

interface ServedDepth {
  totalNumbers: number;
  providers: { provider: { id: string }; tier: number | null; numbers: number; chains: { providers: string[]; carrierId: string | null; numbers: number }[] }[];
}

/** One market's depth as the inventory answers it (chains included: the subgraph's own field), each row's chains in one order. */
async function servedDepth(country: string, numberType: string): Promise<ServedDepth> {
  const query = `query($c: String!, $t: NumberType!) { market(country: $c, numberType: $t) { totalNumbers providers { provider { id } tier numbers chains { providers carrierId numbers } } } }`;
  const result = await as(null, query, { c: country, t: numberType });
  expect(result.errors).toBeUndefined();
  const market = result.data!.market as ServedDepth;
  return { ...market, providers: market.providers.map((p) => ({ ...p, chains: [...p.chains].sort(byChain) })) };
}

const byChain = (a: { providers: string[]; carrierId: string | null }, b: { providers: string[]; carrierId: string | null }) =>
  JSON.stringify([a.providers, a.carrierId]).localeCompare(JSON.stringify([b.providers, b.carrierId]));

/**
 * One market's depth walked afresh from the catalogue's rows as they are now: each number's chain
 * from its visible holder through its offers (chain.ts), counted by holder, tier and chain, and in
 * MarketDepth's order (most numbers, then holder, then tier). Nothing the inventory keeps for
 * MarketDepth is read: a kept fact gone stale shows as a difference.
 */
async function walkedDepth(country: string, numberType: string): Promise<ServedDepth> {
  const db = gateway.embedded.subgraphs.inventory.db;
  const numbers = await db.selectFrom('numbers').select(['e164', 'holder_provider_id', 'assigned_via_provider_id']).where('country', '=', country).where('number_type', '=', numberType).where('removed_at', 'is', null).execute();
  const offers = numbers.length === 0 ? [] : await db.selectFrom('offers').select(['e164', 'provider_id', 'source_carrier_id', 'source_provider_id']).where('e164', 'in', numbers.map((n) => n.e164)).execute();
  const carriers = new Map((await db.selectFrom('providers').select(['id', 'carrier_id']).execute()).map((p) => [p.id, p.carrier_id]));
  const byNumber = new Map<string, Map<string, ChainOffer>>();
  for (const offer of offers) byNumber.set(offer.e164, (byNumber.get(offer.e164) ?? new Map()).set(offer.provider_id, offer));
  const rows = new Map<string, ServedDepth['providers'][number]>();
  for (const n of numbers) {
    const holder = n.assigned_via_provider_id ?? n.holder_provider_id;
    if (holder === null) continue;
    const chain = chainFrom(holder, byNumber.get(n.e164) ?? new Map(), (id) => carriers.get(id) ?? null);
    const row = rows.get(`${holder}:${chain.tier}`) ?? { provider: { id: holder }, tier: chain.tier, numbers: 0, chains: [] };
    row.numbers += 1;
    // a broken chain is listed without providers
    const declared = chain.tier === null ? { providers: [], carrierId: null } : { providers: chain.providers, carrierId: chain.carrierId };
    const same = row.chains.find((c) => byChain(c, declared) === 0);
    if (same) same.numbers += 1;
    else row.chains.push({ ...declared, numbers: 1 });
    rows.set(`${holder}:${chain.tier}`, row);
  }
  const providers = [...rows.values()]
    .map((p) => ({ ...p, chains: p.chains.sort(byChain) }))
    .sort((a, b) => b.numbers - a.numbers || a.provider.id.localeCompare(b.provider.id) || (a.tier ?? Number.MAX_SAFE_INTEGER) - (b.tier ?? Number.MAX_SAFE_INTEGER));
  return { totalNumbers: providers.reduce((sum, p) => sum + p.numbers, 0), providers };
}

describe('chains, tiers and offers', () => {
  const OFFERS = `query($e164: String!) { number(e164: $e164) { holder { id } tier tierChain { position provider { id } }
    offers(first: 20) { totalCount edges { node { provider { id } tier tierChain { position provider { id } } setupPrice { amount currency } lastConfirmedAt } } } } }`;

  it('computes tier 0, 1, 2 and 3 chains and lists every offer of a resold number', async () => {
    for (const tier of [0, 1, 2, 3] as const) {
      const provider = world.providers.find((p) => p.tier === tier)!;
      const offer = world.offers.find((o) => o.providerId === provider.id && worldChain(o.providerId, o.e164).tier === tier)!;
      const result = await gateway.request(OFFERS, { e164: offer.e164 });
      expect(result.errors).toBeUndefined();
      const offers = result.data!.number.offers;
      const expectedOffers = world.offers.filter((o) => o.e164 === offer.e164);
      expect(offers.totalCount).toBe(expectedOffers.length);
      const mine = offers.edges.find((e: { node: { provider: { id: string } } }) => e.node.provider.id === provider.id).node;
      const expected = worldChain(provider.id, offer.e164);
      expect(mine.tier).toBe(tier);
      expect(mine.tierChain).toEqual(expected.providers.map((id, i) => ({ position: i + 1, provider: { id } })));
      // shortest chain first
      const tiers = offers.edges.map((e: { node: { tier: number } }) => e.node.tier);
      expect(tiers).toEqual([...tiers].sort((a, b) => a - b));
      // the holder is the provider that has it in stock, with its own chain
      const holder = worldHolder(offer.e164).providerId;
      expect(result.data!.number.holder.id).toBe(holder);
      expect(result.data!.number.tier).toBe(worldChain(holder, offer.e164).tier);
      expect(result.data!.number.tierChain[0].provider.id).toBe(holder);
    }
  });

  it('chains a number a Tier 2 holds to the Tier 1 it bought it from, and a Tier 3 resale of it one hop further', async () => {
    const { resale, held } = heldByTier2AndResold();
    const tier1 = held.source.providerId!;
    const result = await gateway.request(OFFERS, { e164: held.e164 });
    expect(result.errors).toBeUndefined();
    const number = result.data!.number;
    // the Tier 1 sells it no more, yet is a hop of the chain: the Tier 2 declared it
    expect(number.holder).toEqual({ id: held.providerId });
    expect(number.tier).toBe(2);
    expect(number.tierChain).toEqual([{ position: 1, provider: { id: held.providerId } }, { position: 2, provider: { id: tier1 } }]);
    const links = (id: string) => number.offers.edges.find((e: { node: { provider: { id: string } } }) => e.node.provider.id === id)?.node;
    expect(links(tier1)).toBeUndefined();
    expect(links(resale.providerId)).toMatchObject({ tier: 3, tierChain: [resale.providerId, held.providerId, tier1].map((id, i) => ({ position: i + 1, provider: { id } })) });
    expect(number.offers.totalCount).toBe(world.offers.filter((o) => o.e164 === held.e164).length);
  });
});

describe('MarketDepth', () => {
  const MARKET_DEPTH = operation('MarketDepth');

  it('matches the counts computed from the simulated world in every market, resold depth included, and numbers(filter).totalCount', async () => {
    type Depth = { totalNumbers: number; directNumbers: number; resoldNumbers: number; requirements: unknown[]; providers: { provider: { id: string }; tier: number; numbers: number; direct: boolean }[] };
    const resoldMarkets: string[] = [];
    const checked: string[] = [];
    for (const market of world.markets) {
      const inMarket = world.numbers.filter((n) => n.country === market.country && n.numberType === market.numberType);
      if (inMarket.length === 0) continue;
      // Independently: each number once, at its holder (see worldHolder), at the tier of its chain.
      const expected = new Map<string, number>();
      for (const number of inMarket) {
        const holder = worldHolder(number.e164).providerId;
        const key = `${holder}:${worldChain(holder, number.e164).tier}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
      const result = await gateway.request(MARKET_DEPTH, { country: market.country, numberType: market.numberType });
      expect(result.errors).toBeUndefined();
      const depth = result.data!.market as Depth;
      const name = `${market.country}:${market.numberType}`;
      expect(depth.totalNumbers, name).toBe(inMarket.length);
      expect(depth.directNumbers + depth.resoldNumbers, name).toBe(depth.totalNumbers);
      expect(depth.providers.reduce((sum, p) => sum + p.numbers, 0), name).toBe(depth.totalNumbers);
      expect(depth.resoldNumbers, name).toBe(depth.providers.filter((p) => !p.direct).reduce((sum, p) => sum + p.numbers, 0));
      // compliance's sourced requirements (test/compliance.e2e.test.ts checks them)
      expect(depth.requirements.length, name).toBeGreaterThan(0);
      expect(new Map(depth.providers.map((p) => [`${p.provider.id}:${p.tier}`, p.numbers])), name).toEqual(expected);
      for (const p of depth.providers) expect(p.direct, name).toBe(p.tier <= 1);
      // what the inventory keeps for MarketDepth is what a walk of the synced catalogue gives
      expect(await servedDepth(market.country, market.numberType), name).toEqual(await walkedDepth(market.country, market.numberType));
      if (depth.resoldNumbers > 0 && depth.providers.some((p) => p.tier === 2 && !p.direct)) resoldMarkets.push(name);
      checked.push(name);
    }
    // the UK geographic market (Ofcom S1's blocks) among them, with stock
    expect(checked).toContain('GB:FIXED_LINE');
    // Tier 2 resellers hold thin stock of their own: resold depth is measured, not always 0.
    expect(resoldMarkets.length).toBeGreaterThan(0);
    const market = world.markets[0]!;
    const count = await gateway.request('query($f: NumberFilter) { numbers(first: 0, filter: $f) { totalCount } }', { f: { country: market.country, numberType: market.numberType } });
    const depth = await gateway.request(MARKET_DEPTH, { country: market.country, numberType: market.numberType });
    expect(count.data!.numbers.totalCount).toBe(depth.data!.market.totalNumbers);
  });

  it('lists the markets of a country; a type the country\'s plan has no numbers of is null', async () => {
    const country = world.markets[0]!.country;
    const types = world.markets.filter((m) => m.country === country).map((m) => m.numberType).sort();
    const result = await gateway.request('query($c: String) { markets(country: $c, first: 100) { totalCount edges { node { numberType totalNumbers } } } }', { c: country.toLowerCase() });
    expect(result.errors).toBeUndefined();
    expect(result.data!.markets.totalCount).toBe(types.length);
    expect(result.data!.markets.edges.map((e: { node: { numberType: string } }) => e.node.numberType)).toEqual(types);
    const none = await gateway.request('{ market(country: "ZW", numberType: PAGER) { totalNumbers } }');
    expect(none.data!.market).toBeNull();
    const bad = await gateway.request('{ market(country: "Zimbabwe", numberType: PAGER) { totalNumbers } }');
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('searchNumbers across providers', () => {
  const SEARCH = `query($input: SearchNumbersInput, $id: ID, $first: Int, $after: String) {
    searchNumbers(input: $input, searchId: $id, first: $first, after: $after) {
      searchId complete providerErrors { provider { id } code message }
      results { totalCount pageInfo { hasNextPage endCursor } edges { node { e164 offers { provider { id } } } } } } }`;
  const HEALTH = `query($id: ID!) { provider(id: $id) { apiHealth { circuitOpen lastFiveMinutes { calls errorRate availability latencyP50Ms } } } }`;

  it('runs the same statements for a search whatever its page and its market, and two for a page of a kept search', async () => {
    const inventory = gateway.embedded.subgraphs.inventory!.statements;
    const sellersOf = (m: World['markets'][number]) => world.providers.filter((p) => p.markets.includes(`${m.country}:${m.numberType}`)).length;
    const markets = [...world.markets].sort((a, b) => sellersOf(a) - sellersOf(b));
    const counts: number[] = [];
    let kept: { searchId: string; results: { pageInfo: { endCursor: string } } } | undefined;
    // the market with the fewest sellers and the one with the most; one result and 500 a page
    for (const market of [markets[0]!, markets.at(-1)!]) {
      for (const first of [1, 500]) {
        const before = inventory.count;
        const result = await gateway.request(SEARCH, { input: { country: market.country, numberType: market.numberType }, first });
        counts.push(inventory.count - before);
        expect(result.errors).toBeUndefined();
        if (first === 1) kept = result.data!.searchNumbers;
      }
    }
    // whom to ask, their rows (the offers' providers with them), then expired searches out, this one in, the oldest beyond the bounds out
    expect(counts).toEqual([5, 5, 5, 5]);
    const before = inventory.count;
    const page = await gateway.request(SEARCH, { id: kept!.searchId, first: 500, after: kept!.results.pageInfo.endCursor });
    expect(page.errors).toBeUndefined();
    expect(page.data!.searchNumbers.results.edges.length).toBeGreaterThan(0);
    // the kept search, then the providers of its offers
    expect(inventory.count - before).toBe(2);
  });

  it('merges every provider of a market, pages from the kept result, and reports a provider that is down', async () => {
    const market = world.markets.find((m) => world.providers.filter((p) => p.markets.includes(`${m.country}:${m.numberType}`)).length >= 3)!;
    const sellers = world.providers.filter((p) => p.markets.includes(`${market.country}:${market.numberType}`));
    const input = { country: market.country, numberType: market.numberType };
    const all = await gateway.request(SEARCH, { input, first: 10 });
    expect(all.errors).toBeUndefined();
    expect(all.data!.searchNumbers.providerErrors).toEqual([]);
    const numbersInWorld = new Set(world.numbers.filter((n) => n.country === market.country && n.numberType === market.numberType && n.status === 'available').map((n) => n.e164));
    expect(all.data!.searchNumbers.results.totalCount).toBe(numbersInWorld.size);
    expect(all.data!.searchNumbers.complete).toBe(true);

    // A later page comes from the kept result: no provider is asked again.
    recorder().resetCounts();
    const page2 = await gateway.request(SEARCH, { id: all.data!.searchNumbers.searchId, first: 10, after: all.data!.searchNumbers.results.pageInfo.endCursor });
    expect(recorder().callCount()).toBe(0);
    expect(page2.data!.searchNumbers.results.edges[0].node.e164 > all.data!.searchNumbers.results.edges[9].node.e164).toBe(true);

    const down = sellers.at(-1)!;
    gateway.embedded.providers.simulator!.setBehaviour(down.id, { down: true });
    try {
      for (let i = 0; i < 2; i++) {
        const partial = await gateway.request(SEARCH, { input, first: 10 });
        expect(partial.errors).toBeUndefined();
        expect(partial.data!.searchNumbers.providerErrors).toEqual([{ provider: { id: down.id }, code: 'UNAVAILABLE', message: expect.stringContaining(down.id) }]);
        expect(partial.data!.searchNumbers.results.totalCount).toBeGreaterThan(0);
        // complete for the providers that answered: the one down is in providerErrors
        expect(partial.data!.searchNumbers.complete).toBe(true);
      }
      const open = await gateway.request(HEALTH, { id: down.id });
      expect(open.data!.provider.apiHealth.circuitOpen).toBe(true);
      expect(open.data!.provider.apiHealth.lastFiveMinutes.errorRate).toBeGreaterThan(0);
      expect(open.data!.provider.apiHealth.lastFiveMinutes.availability).toBeLessThan(1);
    } finally {
      gateway.embedded.providers.simulator!.setBehaviour(down.id, { down: false });
    }
    // After the breaker's cooldown (200 ms here) one trial call closes it again.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const recovered = await gateway.request(SEARCH, { input, first: 10 });
    expect(recovered.data!.searchNumbers.providerErrors).toEqual([]);
    expect(recovered.data!.searchNumbers.results.totalCount).toBe(numbersInWorld.size);
    const closed = await gateway.request(HEALTH, { id: down.id });
    expect(closed.data!.provider.apiHealth.circuitOpen).toBe(false);

    // A slow provider (beyond the client's 1 s timeout here) is a TIMEOUT entry; the others answer.
    const slow = sellers[0]!;
    gateway.embedded.providers.simulator!.setBehaviour(slow.id, { latencyMs: { min: 1500, max: 1500 } });
    try {
      const timedOut = await gateway.request(SEARCH, { input, first: 10 });
      expect(timedOut.data!.searchNumbers.providerErrors).toEqual([{ provider: { id: slow.id }, code: 'TIMEOUT', message: `${slow.id} did not answer in time` }]);
      expect(timedOut.data!.searchNumbers.results.totalCount).toBeGreaterThan(0);
    } finally {
      gateway.embedded.providers.simulator!.setBehaviour(slow.id, { latencyMs: { min: 0, max: 0 } });
    }
    // its breaker opened too: past the cooldown, it answers again
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await gateway.request(SEARCH, { input, first: 10 })).data!.searchNumbers.providerErrors).toEqual([]);
  });
});

/** Numbers a test changed at the simulator: later tests pick others. */
const withdrawn = new Set<string>();
/** Numbers an earlier test reserved or ordered: later tests pick others. */
const used = new Set<string>();
/** An available number offered twice, by a provider and by a reseller of it (one hop longer), no test has used: taken. */
function unusedResale() {
  const resale = world.offers.find((o) => {
    const all = world.offers.filter((x) => x.e164 === o.e164);
    return o.source.providerId !== null && o.source.carrierId === null && all.length === 2 && !used.has(o.e164) && !withdrawn.has(o.e164) && world.numbers.find((n) => n.e164 === o.e164)!.status === 'available';
  })!;
  used.add(resale.e164);
  return resale;
}
/** Numbers the sync test left without any offer: no longer catalogued (the others in `withdrawn` are, through another offer). */
const uncatalogued = new Set<string>();

describe('the catalogue sync and the plan', () => {
  it('reads only what changed since the last sync, and drops withdrawn offers and numbers', async () => {
    const { syncCatalogue } = await import('../subgraphs/inventory/workers/sync.js');
    const { createLogger } = await import('../platform/logger.js');
    const sync = () => syncCatalogue(gateway.embedded.subgraphs.inventory.db, gateway.embedded.providers.inventory.services.upstream, createLogger({ LOG_LEVEL: 'silent' }));
    const resold = world.offers.find((o) => o.source.providerId !== null && o.source.carrierId === null && world.offers.filter((x) => x.e164 === o.e164).length === 2)!;
    const single = world.numbers.find((n) => world.offers.filter((o) => o.e164 === n.e164).length === 1 && n.country === 'GB')!;
    const singleOffer = world.offers.find((o) => o.e164 === single.e164)!;
    const simulator = gateway.embedded.providers.simulator!;
    withdrawn.add(resold.e164).add(single.e164);
    uncatalogued.add(single.e164);
    expect(simulator.withdraw(resold.providerId, [resold.e164])).toBe(1);
    expect(simulator.withdraw(singleOffer.providerId, [single.e164])).toBe(1);

    const report = await sync();
    expect(report).toMatchObject({ items: 2, numbersWithdrawn: 1, failed: [] });
    const OFFERS = `query($e164: String!) { number(e164: $e164) { holder { id } offers { totalCount edges { node { provider { id } lastConfirmedAt } } } } }`;
    const stillSold = await gateway.request(OFFERS, { e164: resold.e164 });
    expect(stillSold.data!.number.offers.totalCount).toBe(1);
    expect(stillSold.data!.number.offers.edges[0].node.provider.id).not.toBe(resold.providerId);
    expect(Date.parse(stillSold.data!.number.offers.edges[0].node.lastConfirmedAt)).not.toBeNaN();
    const gone = await gateway.request(OFFERS, { e164: single.e164 });
    expect(gone.data!.number).toEqual({ holder: null, offers: { totalCount: 0, edges: [] } });
    // a sync that reads nothing new still confirms every live offer (without rewriting each one)
    const confirmedAt = Date.parse(stillSold.data!.number.offers.edges[0].node.lastConfirmedAt);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await sync()).items).toBe(0);
    const reconfirmed = await gateway.request(OFFERS, { e164: resold.e164 });
    expect(Date.parse(reconfirmed.data!.number.offers.edges[0].node.lastConfirmedAt)).toBeGreaterThan(confirmedAt);

    // At a new address (a restarted simulator, a migrated API) a provider's feed is read from the start.
    const moved = world.providers.find((p) => p.id === resold.providerId)!;
    const upstream = gateway.embedded.providers.inventory.services.upstream;
    const relocated = { ...upstream, directory: async () => (await upstream.directory()).map((e) => (e.id === moved.id ? { ...e, baseUrl: `${e.baseUrl}?moved` } : e)) };
    const reread = await syncCatalogue(gateway.embedded.subgraphs.inventory.db, relocated, createLogger({ LOG_LEVEL: 'silent' }));
    expect(reread.items).toBeGreaterThanOrEqual(world.offers.filter((o) => o.providerId === moved.id).length - 1);
    expect(reread.failed).toEqual([]);
    expect((await gateway.request(OFFERS, { e164: resold.e164 })).data!.number.offers.totalCount).toBe(1);
    expect((await gateway.request(OFFERS, { e164: single.e164 })).data!.number.holder).toBeNull();
  });

  it('withdraws what a feed read from its start did not list, also when that read failed midway and resumed; a provider back in the directory is read from its start', async () => {
    const { syncCatalogue } = await import('../subgraphs/inventory/workers/sync.js');
    const { createLogger } = await import('../platform/logger.js');
    const { sql } = await import('kysely');
    const db = gateway.embedded.subgraphs.inventory.db;
    const upstream = gateway.embedded.providers.inventory.services.upstream;
    // a provider whose feed takes several pages, and a number it does not offer
    const provider = world.providers.find((p) => world.offers.filter((o) => o.providerId === p.id).length > p.pageCap * 2 && !withdrawn.has(p.id))!;
    const theirs = new Set(world.offers.filter((o) => o.providerId === provider.id).map((o) => o.e164));
    const stranger = world.offers.find((o) => !theirs.has(o.e164) && !withdrawn.has(o.e164) && !uncatalogued.has(o.e164))!;
    // an offer the provider's feed never lists (as if it had dropped it without saying so)
    await sql`insert into inventory.offers (e164, provider_id, country, number_type, region, area_code, capabilities, source_carrier_id, source_provider_id,
        setup_amount, setup_currency, monthly_amount, monthly_currency, provider_status, changed_at, last_confirmed_at, removed_at)
      select e164, ${provider.id}, country, number_type, region, area_code, capabilities, source_carrier_id, source_provider_id,
        setup_amount, setup_currency, monthly_amount, monthly_currency, provider_status, changed_at, now() - interval '1 day', null
      from inventory.offers where e164 = ${stranger.e164} and provider_id = ${stranger.providerId}`.execute(db);
    const live = async () => (await sql<{ n: number }>`select count(*)::int as n from inventory.offers where e164 = ${stranger.e164} and provider_id = ${provider.id} and removed_at is null`.execute(db)).rows[0]!.n;
    expect(await live()).toBe(1);

    // at a new address its feed is read from the start; the read fails after its first page
    const moved = async () => (await upstream.directory()).map((e) => (e.id === provider.id ? { ...e, baseUrl: `${e.baseUrl}?full-read` } : e));
    let pages = 0;
    const failing = {
      ...upstream,
      directory: moved,
      provider: (id: string) => {
        const client = upstream.provider(id);
        if (id !== provider.id || !client) return client;
        return new Proxy(client, {
          get: (target, name, receiver) =>
            name === 'inventoryPage'
              ? async (request: Parameters<typeof client.inventoryPage>[0]) => {
                  pages += 1;
                  if (pages > 1) throw new Error('the connection dropped mid-feed');
                  return target.inventoryPage(request);
                }
              : Reflect.get(target, name, receiver),
        });
      },
    };
    const interrupted = await syncCatalogue(db, failing, createLogger({ LOG_LEVEL: 'silent' }));
    expect(interrupted.failed).toEqual([provider.id]);
    expect(await live()).toBe(1);
    // resumed from its cursor at the same address, it reaches the end: the unlisted offer goes
    const resumed = await syncCatalogue(db, { ...upstream, directory: moved }, createLogger({ LOG_LEVEL: 'silent' }));
    expect(resumed.failed).toEqual([]);
    expect(await live()).toBe(0);

    // out of the directory, its offers are withdrawn; back at the same address, they are listed again
    const one = [...theirs].find((e164) => world.offers.filter((o) => o.e164 === e164).length === 1 && !withdrawn.has(e164))!;
    const OFFERS = `query($e164: String!) { number(e164: $e164) { offers { totalCount } } }`;
    const without = { ...upstream, directory: async () => (await moved()).filter((e) => e.id !== provider.id) };
    await syncCatalogue(db, without, createLogger({ LOG_LEVEL: 'silent' }));
    expect((await gateway.request(OFFERS, { e164: one })).data!.number?.offers.totalCount ?? 0).toBe(0);
    await syncCatalogue(db, { ...upstream, directory: moved }, createLogger({ LOG_LEVEL: 'silent' }));
    expect((await gateway.request(OFFERS, { e164: one })).data!.number.offers.totalCount).toBe(1);
  });

  it('leaves the planner statistics of what it synced: it expects a page\'s offers to be a handful, not half the catalogue', async () => {
    const { sql } = await import('kysely');
    // a page of InventoryLineage asks for the offers of up to 500 numbers at once (the offers loader);
    // planned as if they were half of all offers (no statistics), it read every offer at scale 100
    // (200 ms a page) instead of probing the primary key (0.4 ms)
    const e164s = world.numbers.filter((n) => n.country === 'GB').slice(0, 100).map((n) => n.e164);
    const offered = world.offers.filter((o) => e164s.includes(o.e164)).length;
    const { rows } = await sql<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>`explain (format json) select * from inventory.offers where e164 in (${sql.join(e164s)})`.execute(gateway.embedded.subgraphs.inventory.db);
    const expected = rows[0]!['QUERY PLAN'][0].Plan['Plan Rows'];
    expect(expected).toBeLessThan(3 * offered);
    expect(world.offers.length).toBeGreaterThan(10 * offered);
  });

  it('checks the declared chain against the numbering plan through federation (@requires)', async () => {
    const MATCH = `query($e164: String!) { number(e164: $e164) { originatingCarrier { id } chainMatchesAllocation } }`;
    // The holder's declaration matches the range's holder unless the world made it a mismatch.
    const holderOffer = worldHolder;
    const mismatch = world.numbers.find((n) => n.country === 'GB' && !withdrawn.has(n.e164) && holderOffer(n.e164).declaredCarrierMismatch)!;
    const match = world.numbers.find((n) => n.country === 'GB' && !withdrawn.has(n.e164) && !holderOffer(n.e164).declaredCarrierMismatch)!;
    const yes = await gateway.request(MATCH, { e164: match.e164 });
    expect(yes.errors).toBeUndefined();
    expect(yes.data!.number).toEqual({ originatingCarrier: { id: holderOffer(match.e164).source.carrierId }, chainMatchesAllocation: true });
    const no = await gateway.request(MATCH, { e164: mismatch.e164 });
    expect(no.data!.number.chainMatchesAllocation).toBe(false);
    // a number nobody catalogues: null, not false
    expect((await gateway.request(MATCH, { e164: '+447400123456' })).data!.number.chainMatchesAllocation).toBeNull();
  });
});

describe('reserving, ordering and releasing for tenants', () => {
  const ORDER = operation('OrderNumbers');
  const RESERVE = `mutation($input: ReserveNumbersInput!) { reserveNumbers(input: $input) { expiresAt numbers { e164 ok } userErrors { code field } } }`;
  const RELEASE = `mutation($input: ReleaseNumbersInput!) { releaseNumbers(input: $input) { numbers { e164 ok number { status } } userErrors { code field } } }`;

  const view = async (tenant: string | null, e164: string) => {
    const entity = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Number { status holder { id } history(first: 10) { edges { node { from to actor reason } } } } } }`;
    const result = await as(tenant, entity, { r: [{ __typename: 'Number', e164 }] });
    expect(result.errors).toBeUndefined();
    return result.data!._entities[0];
  };
  /** Available numbers offered by at least `offers` providers, none used by an earlier test. */
  const pick = (offers: number) => {
    const number = world.numbers.find((n) => n.status === 'available' && !used.has(n.e164) && !withdrawn.has(n.e164) && world.offers.filter((o) => o.e164 === n.e164).length >= offers)!;
    used.add(number.e164);
    return number.e164;
  };

  it('resolves Provider and Market entities for the gateway', async () => {
    const provider = world.providers[0]!;
    const market = world.markets[0]!;
    const result = await as(null, `query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Provider { id name batchLimit lastSyncedAt } ... on Market { country numberType totalNumbers } } }`, {
      r: [{ __typename: 'Provider', id: provider.id }, { __typename: 'Market', country: market.country, numberType: market.numberType }, { __typename: 'Provider', id: 'nobody' }],
    });
    expect(result.errors).toBeUndefined();
    const [p, m, nobody] = result.data!._entities;
    expect(p).toMatchObject({ id: provider.id, name: provider.name, batchLimit: provider.batchLimit });
    expect(Date.parse(p.lastSyncedAt)).not.toBeNaN();
    expect(m).toEqual({ country: market.country, numberType: market.numberType, totalNumbers: world.numbers.filter((n) => n.country === market.country && n.numberType === market.numberType && !uncatalogued.has(n.e164)).length });
    expect(nobody).toBeNull();
  });

  it('refuses an analyst, or a caller without a tenant, with FORBIDDEN', async () => {
    const result = await as(null, ORDER, { input: { numbers: [pick(1)], idempotencyKey: 'k' } });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('gives a number to exactly one of 20 tenants ordering it at once; the others see it as not available', async () => {
    const e164 = pick(1);
    const tenants = Array.from({ length: 20 }, (_, i) => `tenant-${i}`);
    recorder().resetCounts();
    const results = await Promise.all(tenants.map((tenant) => as(tenant, ORDER, { input: { numbers: [e164], idempotencyKey: `race-${tenant}` } })));
    for (const result of results) expect(result.errors).toBeUndefined();
    const payloads = results.map((r) => r.data!.orderNumbers);
    const winners = payloads.filter((p) => p.order.status === 'COMPLETED');
    expect(winners).toHaveLength(1);
    for (const loser of payloads.filter((p) => p.order.status !== 'COMPLETED')) {
      expect(loser.order.status).toBe('FAILED');
      expect(loser.userErrors).toEqual([{ code: 'NOT_AVAILABLE', message: `${e164} is not available`, field: ['input', 'numbers', '0'] }]);
    }
    // one upstream order, one assigned row, one completed line
    expect(recorder().callCount(undefined, 'order')).toBe(1);
    const db = gateway.embedded.subgraphs.inventory.db;
    expect(await db.selectFrom('numbers').selectAll().where('e164', '=', e164).execute()).toHaveLength(1);
    const lines = await db.selectFrom('order_lines').select(['status']).where('e164', '=', e164).execute();
    expect(lines).toHaveLength(20);
    expect(lines.filter((l: { status: string }) => l.status === 'completed')).toHaveLength(1);

    const winner = tenants[payloads.indexOf(winners[0])]!;
    const mine = await view(winner, e164);
    expect(mine.status).toBe('ASSIGNED');
    expect(mine.holder.id).toBe(winners[0].order.numbers[0].holder.id);
    expect(mine.history.edges[0].node).toMatchObject({ from: 'AVAILABLE', to: 'ASSIGNED', actor: 'tenant' });
    for (const other of [tenants.find((t) => t !== winner)!, null]) {
      const theirs = await view(other, e164);
      expect(theirs.status).toBe('UNAVAILABLE');
      expect(theirs.history.edges.map((e: { node: { actor: string } }) => e.node.actor)).not.toContain('tenant');
    }

    // lists filter by status as each caller sees it
    const LIST = `query($f: NumberFilter) { numbers(first: 500, filter: $f) { edges { node { e164 } } } }`;
    const listed = async (tenant: string | null, status: string) =>
      ((await as(tenant, LIST, { f: { status, country: world.numbers.find((n) => n.e164 === e164)!.country } })).data!).numbers.edges.map((e: { node: { e164: string } }) => e.node.e164);
    expect(await listed(winner, 'ASSIGNED')).toContain(e164);
    expect(await listed(null, 'ASSIGNED')).not.toContain(e164);
    expect(await listed(null, 'UNAVAILABLE')).toContain(e164);

    // the same key and input: the first order again, nothing ordered upstream
    recorder().resetCounts();
    const again = await as(winner, ORDER, { input: { numbers: [e164], idempotencyKey: `race-${winner}` } });
    expect(again.data!.orderNumbers.order.id).toBe(winners[0].order.id);
    expect(recorder().callCount(undefined, 'order')).toBe(0);
    // the same key with other numbers: a user error, no order
    const reused = await as(winner, ORDER, { input: { numbers: [pick(1)], idempotencyKey: `race-${winner}` } });
    expect(reused.data!.orderNumbers).toEqual({ order: null, userErrors: [expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'] })] });

    // releasing: only the tenant's own number, which then ages
    const notYours = await as(tenants.find((t) => t !== winner)!, RELEASE, { input: { numbers: [e164] } });
    expect(notYours.data!.releaseNumbers.userErrors).toEqual([{ code: 'NOT_YOURS', field: ['input', 'numbers', '0'] }]);
    const released = await as(winner, RELEASE, { input: { numbers: [e164] } });
    expect(released.data!.releaseNumbers.numbers).toEqual([{ e164, ok: true, number: { status: 'AGING' } }]);
  });

  it('places one order for the same key sent five times at once', async () => {
    const e164 = pick(1);
    recorder().resetCounts();
    const results = await Promise.all(Array.from({ length: 5 }, () => as('tenant-retry', ORDER, { input: { numbers: [e164], idempotencyKey: 'retry-1' } })));
    const orders = results.map((r) => r.data!.orderNumbers.order);
    expect(new Set(orders.map((o) => o.id)).size).toBe(1);
    for (const order of orders) expect(order.numbers.map((n: { e164: string }) => n.e164)).toEqual([e164]);
    expect(recorder().callCount(undefined, 'order')).toBe(1);
    const again = await as('tenant-retry', ORDER, { input: { numbers: [e164], idempotencyKey: 'retry-1' } });
    expect(again.data!.orderNumbers.order).toMatchObject({ id: orders[0].id, status: 'COMPLETED' });

    // the order is its tenant's alone
    const ORDERS = `query($id: ID!) { order(id: $id) { id status numbers { e164 status } } orders(first: 5) { totalCount edges { node { id } } } }`;
    const own = (await as('tenant-retry', ORDERS, { id: orders[0].id })).data!;
    expect(own.order).toEqual({ id: orders[0].id, status: 'COMPLETED', numbers: [{ e164, status: 'COMPLETED' }] });
    expect(own.orders).toEqual({ totalCount: 1, edges: [{ node: { id: orders[0].id } }] });
    for (const other of ['tenant-other', null]) {
      const theirs = (await as(other, ORDERS, { id: orders[0].id })).data!;
      expect(theirs.order).toBeNull();
      expect(theirs.orders.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(orders[0].id);
    }
  });

  it('orders through the next offer when the first offer fails, and says so', async () => {
    // a number offered twice: by a provider, and by a reseller of that provider (one hop longer)
    const resale = unusedResale();
    const e164 = resale.e164;
    const offers = await gateway.request(`query($e164: String!) { number(e164: $e164) { offers(first: 10) { edges { node { provider { id } } } } } }`, { e164 });
    const [first, second] = offers.data!.number.offers.edges.map((e: { node: { provider: { id: string } } }) => e.node.provider.id);
    expect(second).toBe(resale.providerId);
    gateway.embedded.providers.simulator!.setBehaviour(first, { down: true });
    try {
      // Its breaker opens on the failing reads: an order is then refused before it is sent, and goes to the next offer.
      const firstApi = gateway.embedded.providers.inventory.services.upstream.provider(first)!;
      for (let i = 0; i < 3 && firstApi.circuit !== 'open'; i++) await firstApi.statusBatch([e164]).catch(() => undefined);
      expect(firstApi.circuit).toBe('open');
      const withNote = `mutation($input: OrderNumbersInput!) { orderNumbers(input: $input) { order { status numbers { e164 status holder { id } note } } userErrors { code } } }`;
      const result = await as('tenant-fallback', withNote, { input: { numbers: [e164], idempotencyKey: 'fallback-1' } });
      expect(result.errors).toBeUndefined();
      const order = result.data!.orderNumbers;
      expect(order.userErrors).toEqual([]);
      expect(order.order.status).toBe('COMPLETED');
      expect(order.order.numbers).toEqual([{ e164, status: 'COMPLETED', holder: { id: second }, note: expect.stringContaining(`ordered through ${second} after ${first} failed`) }]);

      // Ordered through the reseller, the reseller holds it, one hop further from the carrier.
      const expected = worldChain(second, e164);
      const lineage = (await as('tenant-fallback', `query($r: [_Any!]!) { _entities(representations: $r) { ... on Number { tier tierChain { position provider { id } } } } }`, { r: [{ __typename: 'Number', e164 }] })).data!;
      expect(lineage._entities[0]).toEqual({ tier: expected.tier, tierChain: expected.providers.map((id, i) => ({ position: i + 1, provider: { id } })) });
      // and the market counts it there, at that tier (resold from tier 2 on)
      const number = world.numbers.find((n) => n.e164 === e164)!;
      const depth = (await gateway.request(operation('MarketDepth'), { country: number.country, numberType: number.numberType })).data!.market;
      expect(depth.providers).toContainEqual(expect.objectContaining({ provider: expect.objectContaining({ id: second }), tier: expected.tier, direct: expected.tier <= 1 }));
      expect(depth.directNumbers + depth.resoldNumbers).toBe(depth.totalNumbers);
      if (expected.tier >= 2) expect(depth.resoldNumbers).toBeGreaterThan(0);
      // every viewer agrees: another tenant sees it unavailable at that one holder, and lists it under it
      expect(await view('tenant-other', e164)).toMatchObject({ status: 'UNAVAILABLE', holder: { id: second } });
      const underHolder = await as('tenant-other', `query($f: NumberFilter) { numbers(first: 500, filter: $f) { edges { node { e164 } } } }`, { f: { holderId: second, country: number.country, status: 'UNAVAILABLE' } });
      expect(underHolder.data!.numbers.edges.map((e: { node: { e164: string } }) => e.node.e164)).toContain(e164);
    } finally {
      gateway.embedded.providers.simulator!.setBehaviour(first, { down: false });
    }
  });

  it('finishes an order a stopped process left midway: resends what was in flight with its key, orders the rest', async () => {
    const [sent, unsent] = [pick(1), pick(1)];
    const offers = await gateway.request(`query($e164: String!) { number(e164: $e164) { offers(first: 1) { edges { node { provider { id } } } } } }`, { e164: sent });
    const providerId = offers.data!.number.offers.edges[0].node.provider.id;
    // What the stopped process had done: the order and its lines, both numbers claimed, one upstream order sent (its reply lost).
    const db = gateway.embedded.subgraphs.inventory.db;
    const orderId = 'interrupted-order';
    const key = `${orderId}:0.0:${providerId}`;
    const upstream = gateway.embedded.providers.inventory.services.upstream;
    await upstream.provider(providerId)!.order({ numbers: [sent], reference: 'tenant:tenant-crash' }, key);
    // counted from before the rows exist: the gateway's own order worker may take them up at once
    recorder().resetCounts();
    await db.insertInto('orders').values({ id: orderId, tenant: 'tenant-crash', idempotency_key: 'crash-1', input_hash: 'x', status: 'pending' }).execute();
    await db.insertInto('order_lines').values([
      { order_id: orderId, position: 0, e164: sent, status: 'pending', state: 'sent', attempts: 1, upstream_provider_id: providerId, upstream_key: key },
      { order_id: orderId, position: 1, e164: unsent, status: 'pending', state: 'claimed' },
    ]).execute();
    await db.updateTable('numbers').set({ status: 'assigned', tenant: 'tenant-crash', order_id: orderId }).where('e164', 'in', [sent, unsent]).execute();
    const { runOrderWorkerOnce } = await import('../subgraphs/inventory/workers/order-worker.js');
    const machine = { db, upstream, retry: { baseMs: 5, maxMs: 50 } };
    for (let i = 0; i < 50 && (await db.selectFrom('orders').select('status').where('id', '=', orderId).executeTakeFirstOrThrow()).status === 'pending'; i++) {
      await runOrderWorkerOnce(machine, 'test-worker');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // the in-flight order resent once with its key (the same upstream order), the other sent once
    expect(recorder().callCount(undefined, 'order')).toBe(2);
    const ORDER_VIEW = `query($id: ID!) { order(id: $id) { status numbers { e164 status holder { id } needsAttention reason } } }`;
    const settled = ((await as('tenant-crash', ORDER_VIEW, { id: orderId })).data!).order;
    expect(settled.status).toBe('COMPLETED');
    expect(settled.numbers[0]).toEqual({ e164: sent, status: 'COMPLETED', holder: { id: providerId }, needsAttention: false, reason: null });
    expect((await view('tenant-crash', sent)).status).toBe('ASSIGNED');
    expect((await view('tenant-crash', unsent)).status).toBe('ASSIGNED');
    expect(await runOrderWorkerOnce(machine, 'test-worker')).toBe(0);
  });

  it('holds a reservation for its tenant only, until it expires by itself', async () => {
    const e164 = pick(1);
    const reserved = await as('tenant-r', RESERVE, { input: { numbers: [e164], ttlSeconds: 60 } });
    expect(reserved.data!.reserveNumbers.numbers).toEqual([{ e164, ok: true }]);
    expect((await view('tenant-r', e164)).status).toBe('RESERVED');
    expect((await view('tenant-other', e164)).status).toBe('UNAVAILABLE');
    const blocked = await as('tenant-other', ORDER, { input: { numbers: [e164], idempotencyKey: 'blocked' } });
    expect(blocked.data!.orderNumbers.userErrors[0].code).toBe('NOT_AVAILABLE');

    // Move the reservation's end into the past rather than wait a minute.
    const db = gateway.embedded.subgraphs.inventory.db;
    await db.updateTable('numbers').set({ reserved_until: new Date(Date.now() - 1000) }).where('e164', '=', e164).execute();
    expect((await view('tenant-other', e164)).status).toBe('AVAILABLE');
    const { expireReservations } = await import('../subgraphs/inventory/workers/sync.js');
    expect(await expireReservations(db)).toBe(1);
    const history = (await view('tenant-r', e164)).history.edges.map((e: { node: unknown }) => e.node);
    expect(history[0]).toEqual({ from: 'RESERVED', to: 'AVAILABLE', actor: 'expiry', reason: 'reservation expired' });
  });

  it('counts a number in MarketDepth where a fresh walk of the catalogue does, right after an order through a reseller, its release, and a sync that moves its holder', async () => {
    // a number offered by a provider and by a reseller of that provider (one hop longer)
    const resale = unusedResale();
    const e164 = resale.e164;
    const number = world.numbers.find((n) => n.e164 === e164)!;
    const [stock, reseller] = [resale.source.providerId!, resale.providerId];
    const [stockTier, resellerTier] = [worldChain(stock, e164).tier, worldChain(reseller, e164).tier];
    const before = await servedDepth(number.country, number.numberType);
    expect(before).toEqual(await walkedDepth(number.country, number.numberType));
    const at = (depth: ServedDepth, providerId: string, tier: number) => depth.providers.find((p) => p.provider.id === providerId && p.tier === tier)?.numbers ?? 0;

    // ordered through the reseller (its source down, its breaker open): counted there at once
    gateway.embedded.providers.simulator!.setBehaviour(stock, { down: true });
    try {
      const stockApi = gateway.embedded.providers.inventory.services.upstream.provider(stock)!;
      for (let i = 0; i < 3 && stockApi.circuit !== 'open'; i++) await stockApi.statusBatch([e164]).catch(() => undefined);
      const ordered = await as('tenant-depth', ORDER, { input: { numbers: [e164], idempotencyKey: 'depth-1' } });
      expect(ordered.data!.orderNumbers.order.status).toBe('COMPLETED');
      expect(ordered.data!.orderNumbers.order.numbers[0].holder.id).toBe(reseller);
    } finally {
      gateway.embedded.providers.simulator!.setBehaviour(stock, { down: false });
    }
    const afterOrder = await servedDepth(number.country, number.numberType);
    expect(afterOrder).toEqual(await walkedDepth(number.country, number.numberType));
    expect(at(afterOrder, reseller, resellerTier)).toBe(at(before, reseller, resellerTier) + 1);
    expect(at(afterOrder, stock, stockTier)).toBe(at(before, stock, stockTier) - 1);
    expect(afterOrder.totalNumbers).toBe(before.totalNumbers);

    // released: back at its stock holder, the market as it was
    const released = await as('tenant-depth', RELEASE, { input: { numbers: [e164] } });
    expect(released.data!.releaseNumbers.numbers).toEqual([{ e164, ok: true, number: { status: 'AGING' } }]);
    expect(await servedDepth(number.country, number.numberType)).toEqual(before);

    // the stock holder withdraws its offer: the next sync makes the reseller its holder, one hop further from the carrier
    withdrawn.add(e164);
    expect(gateway.embedded.providers.simulator!.withdraw(stock, [e164])).toBe(1);
    const { syncCatalogue } = await import('../subgraphs/inventory/workers/sync.js');
    const { createLogger } = await import('../platform/logger.js');
    // the stock provider answers again (its breaker closed by a call that succeeds), so the sync reads its feed
    const stockApi = gateway.embedded.providers.inventory.services.upstream.provider(stock)!;
    await eventually(async () => ((await stockApi.statusBatch([e164]).then(() => true, () => false)) ? true : undefined), 30_000, `${stock} to answer again`);
    const synced = await syncCatalogue(gateway.embedded.subgraphs.inventory.db, gateway.embedded.providers.inventory.services.upstream, createLogger({ LOG_LEVEL: 'silent' }));
    expect({ failed: synced.failed, skipped: synced.skipped }).toEqual({ failed: [], skipped: [] });
    const afterSync = await servedDepth(number.country, number.numberType);
    expect(afterSync).toEqual(await walkedDepth(number.country, number.numberType));
    expect(at(afterSync, reseller, resellerTier)).toBe(at(before, reseller, resellerTier) + 1);
    expect(at(afterSync, stock, stockTier)).toBe(at(before, stock, stockTier) - 1);
  });

  it('counts a number at the tier its holder\'s feed declares anew: a holder now buying it from a provider without an offer is one hop further, the holder the same', async () => {
    // a number a provider sells from the carrier, resold by another: its holder is that provider
    const resale = world.offers.find((o) => {
      const all = world.offers.filter((x) => x.e164 === o.e164);
      const source = o.source.providerId === null ? undefined : worldOffer(o.source.providerId, o.e164);
      return source !== undefined && o.source.carrierId === null && source.source.providerId === null && source.source.carrierId !== null && all.length === 2 && !used.has(o.e164) && !withdrawn.has(o.e164);
    })!;
    const e164 = resale.e164;
    used.add(e164);
    withdrawn.add(e164);
    const number = world.numbers.find((n) => n.e164 === e164)!;
    const holderOffer = worldOffer(resale.source.providerId!, e164)!;
    const holder = holderOffer.providerId;
    const tierBefore = worldChain(holder, e164).tier;
    const before = await servedDepth(number.country, number.numberType);
    const at = (depth: ServedDepth, providerId: string, tier: number) => depth.providers.find((p) => p.provider.id === providerId && p.tier === tier)?.numbers ?? 0;
    const { syncCatalogue } = await import('../subgraphs/inventory/workers/sync.js');
    const { createLogger } = await import('../platform/logger.js');
    const upstream = gateway.embedded.providers.inventory.services.upstream;
    const declared = holderOffer.source;
    // the holder's feed now says it bought the number outright from a wholesaler that lists it nowhere
    holderOffer.source = { carrierId: declared.carrierId, providerId: 'retired-wholesaler' };
    try {
      // the holder, then the wholesaler (no carrier of its own here): two hops from the carrier
      const tierAfter = 2;
      expect(tierAfter).not.toBe(tierBefore);
      // read from its start (as at a new address): the feed lists the offer with its new source
      const relocated = { ...upstream, directory: async () => (await upstream.directory()).map((e) => (e.id === holder ? { ...e, baseUrl: `${e.baseUrl}?redeclared` } : e)) };
      expect((await syncCatalogue(gateway.embedded.subgraphs.inventory.db, relocated, createLogger({ LOG_LEVEL: 'silent' }))).failed).toEqual([]);
      const after = await servedDepth(number.country, number.numberType);
      expect(after).toEqual(await walkedDepth(number.country, number.numberType));
      expect(at(after, holder, tierAfter)).toBe(at(before, holder, tierAfter) + 1);
      expect(at(after, holder, tierBefore)).toBe(at(before, holder, tierBefore) - 1);
      expect(after.totalNumbers).toBe(before.totalNumbers);
    } finally {
      holderOffer.source = declared;
      // at its own address again, the feed is read from the start once more: the catalogue as it was
      await syncCatalogue(gateway.embedded.subgraphs.inventory.db, upstream, createLogger({ LOG_LEVEL: 'silent' }));
    }
    expect(await servedDepth(number.country, number.numberType)).toEqual(before);
  });

  it('answers MarketDepth and markets in the same statements for one market and for every market', async () => {
    const inventory = gateway.embedded.subgraphs.inventory!.statements;
    const counted = async (query: string, variables: Record<string, unknown> = {}) => {
      const before = inventory.count;
      const result = await as(null, query, variables);
      expect(result.errors).toBeUndefined();
      return inventory.count - before;
    };
    const market = world.markets[0]!;
    // the depth of every market asked (one), and the providers shown
    const DEPTH = `query($country: String!, $numberType: NumberType!) { market(country: $country, numberType: $numberType) { totalNumbers directNumbers resoldNumbers providers { provider { id name } tier numbers direct } } }`;
    expect(await counted(DEPTH, { country: market.country, numberType: market.numberType })).toBe(2);
    // the page of markets, its count, their depth (one statement for all)
    const MARKETS = `query($first: Int) { markets(first: $first) { totalCount edges { node { numberType totalNumbers resoldNumbers } } } }`;
    expect(await counted(MARKETS, { first: 1 })).toBe(3);
    expect(await counted(MARKETS, { first: 100 })).toBe(3);
  });
});

describe('what partners and attackers send', () => {
  /** An available number only offered by one provider, untouched by earlier tests, whose provider id passes `test`. */
  const singleOffered = (test: (providerId: string) => boolean, skip = new Set<string>()) => {
    const offer = world.offers.find((o) => {
      const number = world.numbers.find((n) => n.e164 === o.e164)!;
      return test(o.providerId) && number.status === 'available' && !withdrawn.has(o.e164) && !used.has(o.e164) && !skip.has(o.e164) && world.offers.filter((x) => x.e164 === o.e164).length === 1;
    })!;
    used.add(offer.e164);
    return offer;
  };

  it('orders through a provider with a long id, for a tenant with the longest name allowed (63 characters)', async () => {
    // Provider APIs take idempotency keys and references of at most 64 characters.
    const tenant = `t${'x'.repeat(61)}9`;
    const longId = singleOffered((id) => id.length > 25);
    const plain = singleOffered((id) => id.length <= 25, new Set([longId.e164]));
    const reserved = await as(tenant, `mutation($input: ReserveNumbersInput!) { reserveNumbers(input: $input) { numbers { e164 ok } userErrors { code message } } }`, {
      input: { numbers: [plain.e164] },
    });
    expect(reserved.data!.reserveNumbers).toEqual({ numbers: [{ e164: plain.e164, ok: true }], userErrors: [] });
    const result = await as(tenant, operation('OrderNumbers'), { input: { numbers: [longId.e164, plain.e164], idempotencyKey: 'long-names' } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.orderNumbers).toEqual({
      order: {
        id: expect.any(String),
        status: 'COMPLETED',
        numbers: [
          { e164: longId.e164, status: 'COMPLETED', holder: { id: longId.providerId, name: expect.any(String) } },
          { e164: plain.e164, status: 'COMPLETED', holder: { id: plain.providerId, name: expect.any(String) } },
        ],
      },
      userErrors: [],
    });
    // the provider holds it for that tenant: not available at the holder any more
    const live = await as(tenant, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Number { status live { available } } } }`, {
      r: [{ __typename: 'Number', e164: longId.e164 }],
    });
    expect(live.data!._entities[0]).toEqual({ status: 'ASSIGNED', live: { available: false } });
    // Another tenant, or an analyst, learns it is not available: not whether reserved or assigned, through any field.
    for (const other of ['tenant-someone-else', null]) {
      const theirs = await as(other, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Number { status live { available status } } } }`, {
        r: [{ __typename: 'Number', e164: longId.e164 }],
      });
      expect(theirs.data!._entities[0]).toEqual({ status: 'UNAVAILABLE', live: { available: false, status: 'UNAVAILABLE' } });
    }
  });

  it('keeps a running reservation when extending it fails at the provider', async () => {
    const orderedAbove = singleOffered((id) => id.length <= 25).e164;
    const offer = singleOffered((id) => id.length <= 25, new Set([orderedAbove]));
    const RESERVE = `mutation($input: ReserveNumbersInput!) { reserveNumbers(input: $input) { numbers { e164 ok } userErrors { code message } } }`;
    const STATUS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Number { status } } }`;
    const first = await as('tenant-extend', RESERVE, { input: { numbers: [offer.e164], ttlSeconds: 600 } });
    expect(first.data!.reserveNumbers.numbers).toEqual([{ e164: offer.e164, ok: true }]);
    const simulator = gateway.embedded.providers.simulator!;
    simulator.setBehaviour(offer.providerId, { down: true });
    try {
      const again = await as('tenant-extend', RESERVE, { input: { numbers: [offer.e164], ttlSeconds: 3600 } });
      expect(again.data!.reserveNumbers).toEqual({
        numbers: [{ e164: offer.e164, ok: false }],
        userErrors: [{ code: 'PROVIDER_FAILED', message: expect.stringContaining('stays reserved until') }],
      });
    } finally {
      simulator.setBehaviour(offer.providerId, { down: false });
    }
    const r = [{ __typename: 'Number', e164: offer.e164 }];
    expect(((await as('tenant-extend', STATUS, { r })).data!)._entities[0].status).toBe('RESERVED');
    expect(((await as('tenant-not-extending', STATUS, { r })).data!)._entities[0].status).toBe('UNAVAILABLE');
    const row = await gateway.embedded.subgraphs.inventory.db.selectFrom('numbers').select(['reserved_until']).where('e164', '=', offer.e164).executeTakeFirstOrThrow();
    // the first reservation's end (10 minutes), not the failed extension's (an hour)
    expect(new Date(row.reserved_until!).getTime()).toBeLessThan(Date.now() + 11 * 60_000);
  });

  it('answers InventoryLineage with a holder down: its numbers\' live is null with a PROVIDER_UNAVAILABLE error each, the rest is served', async () => {
    const variables = { first: 20, filter: { country: 'GB' } };
    const before = await gateway.request(operation('InventoryLineage'), variables);
    const holders = before.data!.numbers.edges.map((e: { node: { holder: { id: string } } }) => e.node.holder.id);
    const down = holders[0];
    const simulator = gateway.embedded.providers.simulator!;
    simulator.setBehaviour(down, { down: true });
    try {
      const result = await gateway.request(operation('InventoryLineage'), variables);
      const edges = result.data!.numbers.edges as { node: { e164: string; holder: { id: string }; tier: number; live: unknown } }[];
      expect(edges.map((e) => e.node.e164)).toEqual(before.data!.numbers.edges.map((e: { node: { e164: string } }) => e.node.e164));
      const affected = holders.flatMap((id: string, i: number) => (id === down ? [i] : []));
      expect(result.errors?.map((e) => [e.path, e.extensions?.code])).toEqual(affected.map((i: number) => [['numbers', 'edges', i, 'node', 'live'], 'PROVIDER_UNAVAILABLE']));
      // the one provider-failure shape: the provider and why, in the one wording (subgraphs/provider-failure.ts)
      for (const error of result.errors ?? []) {
        expect(error.extensions).toMatchObject({ provider: down, reason: expect.stringMatching(/^(unavailable|circuit_open)$/) });
        expect(error.message).toMatch(new RegExp(`^${down} (is unavailable \\(HTTP 503\\)|is failing: calls to it are paused for a moment): live status unavailable$`));
      }
      edges.forEach((edge, i) => {
        expect(edge.node.tier).toBe(before.data!.numbers.edges[i].node.tier);
        if (edge.node.holder.id === down) expect(edge.node.live).toBeNull();
        else expect(edge.node.live).not.toBeNull();
      });
    } finally {
      simulator.setBehaviour(down, { down: false });
    }
    await new Promise((resolve) => setTimeout(resolve, 300)); // its breaker's cooldown, for the tests after
  });

  it('says how a provider failed without passing on its own error text', async () => {
    // the last number offered by one provider alone (tests above take the first ones)
    const offer = world.offers.findLast((o) => world.numbers.find((n) => n.e164 === o.e164)!.status === 'available' && !withdrawn.has(o.e164) && world.offers.filter((x) => x.e164 === o.e164).length === 1)!;
    const number = world.numbers.find((n) => n.e164 === offer.e164)!;
    const simulator = gateway.embedded.providers.simulator!;
    simulator.setBehaviour(offer.providerId, { down: true });
    try {
      // a 503 is no refusal (the order may have been placed): the line waits for that provider, PENDING, with no error
      const ordered = await as('tenant-words', operation('OrderNumbers'), { input: { numbers: [offer.e164], idempotencyKey: 'words-1' } });
      expect(ordered.data!.orderNumbers).toEqual({ order: { id: expect.any(String), status: 'PENDING', numbers: [{ e164: offer.e164, status: 'PENDING', holder: null }] }, userErrors: [] });
      const searched = await gateway.request('query($i: SearchNumbersInput) { searchNumbers(input: $i, first: 1) { providerErrors { provider { id } message } } }', {
        i: { country: number.country, numberType: number.numberType },
      });
      // (its read retries may meet its breaker open after the order's failure)
      expect(searched.data!.searchNumbers.providerErrors).toEqual([{ provider: { id: offer.providerId }, message: expect.stringMatching(new RegExp(`^${offer.providerId} (is unavailable \\(HTTP 503\\)|is failing: calls to it are paused for a moment)$`)) }]);
      expect(JSON.stringify(searched.data)).not.toMatch(/provider_down|is down/);
    } finally {
      simulator.setBehaviour(offer.providerId, { down: false });
    }
    await new Promise((resolve) => setTimeout(resolve, 300)); // its breaker's cooldown, for the tests after
  });

  it('answers NUL bytes in ids, filters, keys and search input as bad input or nothing found, never an internal error', async () => {
    const NUL = 'acme\u0000x';
    const provider = await gateway.request('query($id: ID!) { provider(id: $id) { id } }', { id: NUL });
    expect(provider).toEqual({ data: { provider: null } });
    const order = await as('tenant-nul', 'query($id: ID!) { order(id: $id) { id } }', { id: NUL });
    expect(order).toEqual({ data: { order: null } });
    const entities = await as(null, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Provider { id } ... on Number { holder { id } tier } } }', {
      r: [{ __typename: 'Provider', id: NUL }, { __typename: 'Number', e164: '+4474\u0000' }],
    });
    expect(entities.errors).toBeUndefined();
    expect(entities.data!._entities).toEqual([null, { holder: null, tier: null }]);

    const holder = await gateway.request('query($f: NumberFilter) { numbers(first: 1, filter: $f) { totalCount } }', { f: { holderId: NUL } });
    expect(holder.errors?.[0]).toMatchObject({ message: expect.stringContaining('filter.holderId'), extensions: { code: 'BAD_USER_INPUT' } });
    const key = await as('tenant-nul', operation('OrderNumbers'), { input: { numbers: [world.numbers[0]!.e164], idempotencyKey: NUL } });
    expect(key.errors?.[0]).toMatchObject({ message: expect.stringContaining('idempotencyKey'), extensions: { code: 'BAD_USER_INPUT' } });
    expect(await gateway.embedded.subgraphs.inventory.db.selectFrom('orders').selectAll().where('tenant', '=', 'tenant-nul').execute()).toEqual([]);

    // No provider is asked a search every provider would refuse.
    recorder().resetCounts();
    const search = await gateway.request('query($i: SearchNumbersInput) { searchNumbers(input: $i, first: 1) { searchId } }', { i: { country: 'GB', region: 'Lon\u0000don' } });
    expect(search.errors?.[0]).toMatchObject({ message: expect.stringContaining('region'), extensions: { code: 'BAD_USER_INPUT' } });
    expect(recorder().callCount(undefined, 'search')).toBe(0);
  });
});

describe('a holder that goes down after accepting an order', () => {

  it('keeps the number pending for the tenant, never orders it through another offer, and recovery completes it at that holder', async () => {
    // offered by a provider and by a reseller of it: a fallback is possible, and must not happen
    // (the last such number: the fallback test above takes the first)
    const resale = world.offers.findLast((o) => {
      const all = world.offers.filter((x) => x.e164 === o.e164);
      return o.source.providerId !== null && all.length === 2 && !withdrawn.has(o.e164) && world.numbers.find((n) => n.e164 === o.e164)!.status === 'available';
    })!;
    const e164 = resale.e164;
    const first = resale.source.providerId!;
    const simulator = gateway.embedded.providers.simulator!;
    // The holder goes down the moment it has accepted the order: our polls for its outcome fail.
    const stop = recorder().onCall((call) => {
      if (call.providerId === first && call.operation === 'order' && call.outcome === 'ok') simulator.setBehaviour(first, { down: true });
    });
    recorder().resetCounts();
    try {
      const result = await as('tenant-midway', operation('OrderNumbers'), { input: { numbers: [e164], idempotencyKey: 'midway-1' } });
      expect(result.errors).toBeUndefined();
      expect(result.data!.orderNumbers).toEqual({ order: { id: expect.any(String), status: 'PENDING', numbers: [{ e164, status: 'PENDING', holder: null }] }, userErrors: [] });
      expect(recorder().callCount(first, 'order')).toBe(1);
      expect(recorder().callCount(resale.providerId, 'order')).toBe(0);
      const db = gateway.embedded.subgraphs.inventory.db;
      expect(await db.selectFrom('numbers').select(['status', 'tenant']).where('e164', '=', e164).execute()).toEqual([{ status: 'assigned', tenant: 'tenant-midway' }]);
    } finally {
      stop();
      simulator.setBehaviour(first, { down: false });
    }
    // past the breaker's cooldown, the worker asks the holder for that order (never orders it again)
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { runOrderWorkerOnce } = await import('../subgraphs/inventory/workers/order-worker.js');
    const db = gateway.embedded.subgraphs.inventory.db;
    await db.updateTable('order_lines').set({ next_attempt_at: new Date(0) }).where('e164', '=', e164).execute();
    recorder().resetCounts();
    // this pass, or the embedded worker's own (every 250 ms) if it leases the line first: either is the recovery
    const machine = { db, upstream: gateway.embedded.providers.inventory.services.upstream, retry: { baseMs: 5, maxMs: 50 } };
    for (let i = 0; i < 50 && (await db.selectFrom('order_lines').select('state').where('e164', '=', e164).executeTakeFirstOrThrow()).state !== 'completed'; i++) {
      await runOrderWorkerOnce(machine, 'test-worker');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(recorder().callCount(undefined, 'order')).toBe(0);
    const view = await as('tenant-midway', `query($r: [_Any!]!) { _entities(representations: $r) { ... on Number { status holder { id } } } orders(first: 1) { edges { node { status numbers { status holder { id } } } } } }`, {
      r: [{ __typename: 'Number', e164 }],
    });
    expect(view.errors).toBeUndefined();
    expect(view.data!._entities[0]).toEqual({ status: 'ASSIGNED', holder: { id: first } });
    expect(view.data!.orders.edges[0].node).toEqual({ status: 'COMPLETED', numbers: [{ status: 'COMPLETED', holder: { id: first } }] });
  });
});
