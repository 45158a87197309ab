/** generateWorld: deterministic by seed, markets and statuses, tiers 0-3 with resold and held stock, valid numbers, carriers as the plan names. */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { beforeAll, describe, expect, it } from 'vitest';
import { marketKey } from './markets.js';
import { generateWorld, type World } from './world.js';

describe('generateWorld', () => {
  let world: World;
  beforeAll(() => {
    world = generateWorld({ scale: 1, seed: 7 });
  });

  it('builds the same world from the same seed, and another from another seed', () => {
    expect(generateWorld({ scale: 1, seed: 7 })).toEqual(world);
    const other = generateWorld({ scale: 1, seed: 8 });
    expect(other.numbers.map((n) => n.e164)).not.toEqual(world.numbers.map((n) => n.e164));
  });

  it('has at least 12 markets across geographic, mobile and toll-free numbers, and every lifecycle status', () => {
    const markets = new Set(world.numbers.map((n) => marketKey(n.country, n.numberType)));
    expect(markets.size).toBeGreaterThanOrEqual(12);
    const categories = new Set(world.markets.filter((m) => markets.has(marketKey(m.country, m.numberType))).map((m) => m.category));
    expect([...categories]).toEqual(expect.arrayContaining(['geographic', 'mobile', 'toll-free']));
    expect(new Set(world.numbers.map((n) => n.status))).toEqual(new Set(['available', 'reserved', 'assigned', 'aging', 'ported_out']));
    expect(world.numbers.length).toBeGreaterThan(2000);
    expect(world.numbers.length).toBeLessThan(10_000);
  });

  it('has providers of tiers 0 to 3, several Tier 1 per market, and resold stock that shares the number with its source', () => {
    const byId = new Map(world.providers.map((p) => [p.id, p]));
    expect(new Set(world.providers.map((p) => p.tier))).toEqual(new Set([0, 1, 2, 3]));
    for (const market of new Set(world.numbers.map((n) => marketKey(n.country, n.numberType)))) {
      expect(world.providers.filter((p) => p.tier === 1 && p.markets.includes(market)).length, market).toBeGreaterThanOrEqual(2);
    }
    const offersOf = new Set(world.offers.map((o) => `${o.providerId} ${o.e164}`));
    const resold = world.offers.filter((o) => o.source.providerId !== null && o.source.carrierId === null);
    expect(resold.length).toBeGreaterThan(100);
    for (const offer of resold) {
      expect(offersOf.has(`${offer.source.providerId} ${offer.e164}`)).toBe(true);
      // a reseller buys from a provider one level up (a Tier 2 may resell a carrier's own stock)
      const [seller, source] = [byId.get(offer.providerId)!.tier, byId.get(offer.source.providerId!)!.tier];
      expect(source).toBeLessThan(seller);
      if (seller === 3) expect(source).toBe(2);
    }
    for (const offer of world.offers.filter((o) => byId.get(o.providerId)!.tier === 0)) {
      expect(offer.source).toEqual({ carrierId: byId.get(offer.providerId)!.carrierId, providerId: null });
    }
  });

  it('has Tier 2 resellers holding thin stock of their own in every market, bought from a Tier 1 there that lists it no more', () => {
    const byId = new Map(world.providers.map((p) => [p.id, p]));
    const marketOf = new Map(world.numbers.map((n) => [n.e164, marketKey(n.country, n.numberType)]));
    const offersOf = new Map<string, string[]>();
    for (const o of world.offers) offersOf.set(o.e164, [...(offersOf.get(o.e164) ?? []), o.providerId]);
    const held = world.offers.filter((o) => o.source.providerId !== null && o.source.carrierId !== null);
    for (const offer of held) {
      expect(byId.get(offer.providerId)!.tier).toBe(2);
      const seller = byId.get(offer.source.providerId!)!;
      expect(seller.tier).toBe(1);
      expect(seller.markets).toContain(marketOf.get(offer.e164));
      expect(offersOf.get(offer.e164)).not.toContain(seller.id);
    }
    const markets = new Set(world.numbers.map((n) => marketKey(n.country, n.numberType)));
    expect(new Set(held.map((o) => marketOf.get(o.e164)))).toEqual(markets);
    // thin: a few percent of the stock, not depth
    expect(held.length / world.numbers.length).toBeGreaterThan(0.02);
    expect(held.length / world.numbers.length).toBeLessThan(0.08);
    // Tier 3 resells some of it
    const heldKeys = new Set(held.map((o) => `${o.providerId} ${o.e164}`));
    const onHeld = world.offers.filter((o) => o.source.carrierId === null && heldKeys.has(`${o.source.providerId} ${o.e164}`));
    expect(onHeld.length).toBeGreaterThan(0);
    for (const offer of onHeld) expect(byId.get(offer.providerId)!.tier).toBe(3);
  });

  it('has a UK geographic market on S1\'s allocated blocks of the big cities, with Tier 1 depth and resellers', () => {
    const uk = world.numbers.filter((n) => n.country === 'GB' && n.numberType === 'FIXED_LINE');
    expect(uk.length).toBeGreaterThan(300);
    for (const n of uk) expect(n.rangeFile, n.e164).toBe('ofcom-geo/S1-geographic.csv.gz');
    expect(new Set(uk.map((n) => n.areaCode)).size).toBeGreaterThanOrEqual(8);
    const cities = new Set(uk.map((n) => n.region));
    // a sample of the cities' blocks: London's many among them, and several others
    expect(cities).toContain('London');
    expect(cities.size).toBeGreaterThanOrEqual(5);
    const sellers = world.providers.filter((p) => p.markets.includes('GB:FIXED_LINE'));
    expect(sellers.filter((p) => p.tier === 1).length).toBeGreaterThanOrEqual(2);
    expect(sellers.some((p) => p.tier >= 2)).toBe(true);
  });

  it('draws only valid numbers of the market type', () => {
    for (const n of world.numbers) {
      const parsed = parsePhoneNumberFromString(n.e164);
      expect(parsed?.isValid(), n.e164).toBe(true);
      expect(parsed?.getType(), n.e164).toBe(n.numberType);
      expect(parsed?.country, n.e164).toBe(n.country);
    }
    expect(new Set(world.numbers.map((n) => n.e164)).size).toBe(world.numbers.length);
  });
});
