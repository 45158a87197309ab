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

  it('holds stock at the provider that buys from the carrier', () => {
    expect(stockHolder(new Map([offer('t3', { provider: 't2' }), offer('t2', { provider: 't1' }), offer('t1', { carrier: 'x' })]), carrierOf)).toBe('t1');
    // the carrier selling its own number holds it before a Tier 1 buying it from that carrier
    expect(stockHolder(new Map([offer('a-t1', { carrier: 'gb:vodafone' }), offer('p-carrier', { carrier: 'gb:vodafone' })]), carrierOf)).toBe('p-carrier');
    expect(stockHolder(new Map([offer('z', { provider: 'outside' })]), carrierOf)).toBe('z');
    expect(stockHolder(new Map(), carrierOf)).toBeNull();
  });
});
