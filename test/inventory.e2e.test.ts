import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { World } from '../providers/generator/world.js';
import { freshDatabase } from './support/database.js';
import { operation, startTestGateway, type TestGateway } from './support/gateway.js';
import type { Database } from '../subgraphs/shared/db.js';

/**
 * The inventory through the gateway, over the provider simulator started by the embedded
 * default and a catalogue synced from its feeds. Expectations are computed from the
 * simulator's generated world, never from the inventory's own tables.
 */
let gateway: TestGateway;
let world: World;
let ownDatabase: Database | null = null;

beforeAll(async () => {
  // On a Postgres server the catalogue gets a database of its own: orders must start from none.
  if (process.env.DATABASE_URL) ownDatabase = await freshDatabase();
  gateway = await startTestGateway({
    env: { SYNC_INTERVAL_SECONDS: '0', ...(ownDatabase?.target.kind === 'postgres' ? { INVENTORY_DATABASE_URL: ownDatabase.target.url } : {}) },
    providers: { simulator: { instant: true, orderDelayMs: 5 }, policy: { timeoutMs: 1000, breaker: { consecutiveFailures: 3, halfOpenAfterMs: 200 } } },
  });
  world = gateway.embedded.providers.simulator!.world;
});
afterAll(async () => {
  await gateway?.close();
  await ownDatabase?.close();
});

const recorder = () => gateway.embedded.providers.directory!.recorder;
const statements = () => Object.values(gateway.embedded.subgraphs).reduce((n, s) => n + s.statements.count, 0);

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
    for (const first of [10, 100, 500]) {
      recorder().resetCounts();
      const before = statements();
      const result = await gateway.request(INVENTORY_LINEAGE, { first, filter: { country: 'GB' } });
      sqlCounts.push(statements() - before);
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

/** A chain computed from the world's declared sources, as the test's own reference. */
function worldChain(providerId: string, e164: string): { providers: string[]; tier: number } {
  const providers: string[] = [];
  let current: string | null = providerId;
  while (current) {
    providers.push(current);
    const offer = world.offers.find((o) => o.providerId === current && o.e164 === e164)!;
    if (offer.source.carrierId) {
      const selfSold = world.providers.find((p) => p.id === current)!.carrierId === offer.source.carrierId;
      return { providers, tier: providers.length - (selfSold ? 1 : 0) };
    }
    current = offer.source.providerId;
  }
  throw new Error('unreachable');
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
      // the holder is the provider that buys it from the carrier: tier 0 or 1
      expect(result.data!.number.tier).toBeLessThanOrEqual(1);
      expect(result.data!.number.tierChain[0].provider.id).toBe(result.data!.number.holder.id);
    }
  });
});

describe('MarketDepth', () => {
  const MARKET_DEPTH = operation('MarketDepth');

  it('matches the counts computed from the simulated world, and numbers(filter).totalCount', async () => {
    const market = world.markets[0]!;
    const inMarket = world.numbers.filter((n) => n.country === market.country && n.numberType === market.numberType);
    // Independently: each number once, at the lowest-id provider buying it from a carrier.
    const expected = new Map<string, number>();
    for (const number of inMarket) {
      const direct = world.offers.filter((o) => o.e164 === number.e164 && o.source.carrierId !== null).map((o) => o.providerId).sort();
      const holder = direct[0]!;
      const tier = world.providers.find((p) => p.id === holder)!.carrierId ? 0 : 1;
      expected.set(`${holder}:${tier}`, (expected.get(`${holder}:${tier}`) ?? 0) + 1);
    }
    const result = await gateway.request(MARKET_DEPTH, { country: market.country, numberType: market.numberType });
    expect(result.errors).toBeUndefined();
    const depth = result.data!.market;
    expect(depth.totalNumbers).toBe(inMarket.length);
    expect(depth.directNumbers + depth.resoldNumbers).toBe(depth.totalNumbers);
    expect(depth.requirements).toEqual([]);
    const got = new Map(depth.providers.map((p: { provider: { id: string }; tier: number; numbers: number }) => [`${p.provider.id}:${p.tier}`, p.numbers]));
    expect(got).toEqual(expected);
    const count = await gateway.request('query($f: NumberFilter) { numbers(first: 0, filter: $f) { totalCount } }', { f: { country: market.country, numberType: market.numberType } });
    expect(count.data!.numbers.totalCount).toBe(depth.totalNumbers);
  });
});

describe('searchNumbers across providers', () => {
  const SEARCH = `query($input: SearchNumbersInput, $id: ID, $first: Int, $after: String) {
    searchNumbers(input: $input, searchId: $id, first: $first, after: $after) {
      searchId providerErrors { provider { id } code message }
      results { totalCount pageInfo { hasNextPage endCursor } edges { node { e164 offers { provider { id } } } } } } }`;
  const HEALTH = `query($id: ID!) { provider(id: $id) { apiHealth { circuitOpen lastFiveMinutes { calls errorRate availability latencyP50Ms } } } }`;

  it('merges every provider of a market, pages from the kept result, and reports a provider that is down', async () => {
    const market = world.markets.find((m) => world.providers.filter((p) => p.markets.includes(`${m.country}:${m.numberType}`)).length >= 3)!;
    const sellers = world.providers.filter((p) => p.markets.includes(`${market.country}:${market.numberType}`));
    const input = { country: market.country, numberType: market.numberType };
    const all = await gateway.request(SEARCH, { input, first: 10 });
    expect(all.errors).toBeUndefined();
    expect(all.data!.searchNumbers.providerErrors).toEqual([]);
    const numbersInWorld = new Set(world.numbers.filter((n) => n.country === market.country && n.numberType === market.numberType && n.status === 'available').map((n) => n.e164));
    expect(all.data!.searchNumbers.results.totalCount).toBe(numbersInWorld.size);

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
  });
});
