/** Custody chains from declared sources: tiers 0 to 3, broken chains (cycles, gaps, too deep), outright purchases, which provider holds stock. */
import { describe, expect, it } from 'vitest';
import { chainFrom, stockHolder, type ChainOffer } from './chain.js';

const offer = (provider_id: string, source: { carrier?: string; provider?: string }): [string, ChainOffer] => [
  provider_id,
  { provider_id, source_carrier_id: source.carrier ?? null, source_provider_id: source.provider ?? null },
];
const carriers: Record<string, string> = { 'p-carrier': 'gb:vodafone' };
const carrierOf = (id: string) => carriers[id] ?? null;

describe('custody chains', () => {
  const offers = new Map([
    offer('p-carrier', { carrier: 'gb:vodafone' }),
    offer('t1', { carrier: 'gb:vodafone' }),
    offer('t2', { provider: 't1' }),
    offer('t3', { provider: 't2' }),
    offer('r-of-carrier', { provider: 'p-carrier' }),
  ]);

  it('computes tiers 0 to 3 from the declared sources', () => {
    expect(chainFrom('p-carrier', offers, carrierOf)).toEqual({ providers: ['p-carrier'], carrierId: 'gb:vodafone', tier: 0 });
    expect(chainFrom('t1', offers, carrierOf)).toEqual({ providers: ['t1'], carrierId: 'gb:vodafone', tier: 1 });
    expect(chainFrom('t2', offers, carrierOf)).toEqual({ providers: ['t2', 't1'], carrierId: 'gb:vodafone', tier: 2 });
    expect(chainFrom('t3', offers, carrierOf)).toEqual({ providers: ['t3', 't2', 't1'], carrierId: 'gb:vodafone', tier: 3 });
    // reselling a carrier's own number is buying straight from the carrier
    expect(chainFrom('r-of-carrier', offers, carrierOf).tier).toBe(1);
  });

  it('treats cycles, missing sources and over-deep chains as broken, without looping', () => {
    const cyclic = new Map([offer('a', { provider: 'b' }), offer('b', { provider: 'a' })]);
    expect(chainFrom('a', cyclic, carrierOf)).toEqual({ providers: ['a', 'b'], carrierId: null, tier: null });
    const dangling = new Map([offer('a', { provider: 'gone' })]);
    expect(chainFrom('a', dangling, carrierOf)).toEqual({ providers: ['a', 'gone'], carrierId: null, tier: null });
    const deep = new Map(Array.from({ length: 20 }, (_, i) => offer(`p${i}`, { provider: `p${i + 1}` })));
    expect(chainFrom('p0', deep, carrierOf).providers).toHaveLength(8);
  });

  it('ends a purchase from a provider that offers the number no more at the declared carrier, that provider the last hop', () => {
    // t2 bought the number outright from t1 (which sold it, so lists it no more); t3 resells t2
    const held = new Map([offer('t2', { provider: 't1', carrier: 'gb:ee' }), offer('t3', { provider: 't2' })]);
    expect(chainFrom('t2', held, carrierOf)).toEqual({ providers: ['t2', 't1'], carrierId: 'gb:ee', tier: 2 });
    expect(chainFrom('t3', held, carrierOf)).toEqual({ providers: ['t3', 't2', 't1'], carrierId: 'gb:ee', tier: 3 });
    // bought from the carrier's own shop: one hop, as reselling it is
    expect(chainFrom('r', new Map([offer('r', { provider: 'p-carrier', carrier: 'gb:vodafone' })]), carrierOf)).toEqual({ providers: ['r', 'p-carrier'], carrierId: 'gb:vodafone', tier: 1 });
    // while the source still offers it, its own offer continues the chain (and its carrier is the end)
    const stillListed = new Map([offer('t2', { provider: 't1', carrier: 'gb:ee' }), offer('t1', { carrier: 'gb:vodafone' })]);
    expect(chainFrom('t2', stillListed, carrierOf)).toEqual({ providers: ['t2', 't1'], carrierId: 'gb:vodafone', tier: 2 });
    const cyclic = new Map([offer('a', { provider: 'b', carrier: 'gb:ee' }), offer('b', { provider: 'a' })]);
    expect(chainFrom('a', cyclic, carrierOf)).toEqual({ providers: ['a', 'b'], carrierId: null, tier: null });
    const deep = new Map([...Array.from({ length: 7 }, (_, i) => offer(`p${i}`, { provider: `p${i + 1}` })), offer('p7', { provider: 'gone', carrier: 'gb:ee' })]);
    expect(chainFrom('p1', deep, carrierOf)).toMatchObject({ providers: ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'gone'], tier: 8 });
    expect(chainFrom('p0', deep, carrierOf)).toMatchObject({ carrierId: null, tier: null });
  });

  it('holds stock at the provider that buys from the carrier', () => {
    expect(stockHolder(new Map([offer('t3', { provider: 't2' }), offer('t2', { provider: 't1' }), offer('t1', { carrier: 'x' })]), carrierOf)).toBe('t1');
    // the carrier selling its own number holds it before a Tier 1 buying it from that carrier
    expect(stockHolder(new Map([offer('a-t1', { carrier: 'gb:vodafone' }), offer('p-carrier', { carrier: 'gb:vodafone' })]), carrierOf)).toBe('p-carrier');
    // then a provider that bought it from one that offers it no more, before its resellers
    expect(stockHolder(new Map([offer('t3', { provider: 'b-t2' }), offer('b-t2', { provider: 't1', carrier: 'x' }), offer('a-t2', { provider: 'b-t2', carrier: 'x' }), offer('c-t2', { provider: 't1', carrier: 'x' })]), carrierOf)).toBe('b-t2');
    // a carrier-only source comes first, whatever the ids
    expect(stockHolder(new Map([offer('a', { provider: 'gone', carrier: 'x' }), offer('b', { carrier: 'x' })]), carrierOf)).toBe('b');
    expect(stockHolder(new Map([offer('z', { provider: 'outside' })]), carrierOf)).toBe('z');
    expect(stockHolder(new Map(), carrierOf)).toBeNull();
  });
});
