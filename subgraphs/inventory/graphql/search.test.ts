/** Search input becomes a provider search request, or is refused before any provider is asked; one provider's search split by digit, level by level. */
import { describe, expect, it } from 'vitest';
import type { SearchHit, SearchRequest, SearchResponse } from '../../../providers/api.js';
import { MAX_CALLS_PER_PROVIDER, MAX_RESULTS_PER_SEARCH, searchProvider, searchRequest } from './search.js';

describe('search input', () => {
  it('becomes a provider search request: upper-case country, capabilities as the providers name them, no empty fields', () => {
    // capabilities arrive as the Capability enum's internal values, the providers' own words
    expect(searchRequest({ country: 'gb', numberType: 'MOBILE', startsWith: '7400', capabilities: ['sms', 'voice'] })).toEqual({
      country: 'GB',
      numberType: 'MOBILE',
      startsWith: '7400',
      capabilities: ['sms', 'voice'],
    });
  });

  it('is refused, saying what is wrong, before any provider is asked', () => {
    expect(() => searchRequest({ country: 'Great Britain' })).toThrow('input.country must be an ISO 3166-1 alpha-2 country code such as GB, got "Great Britain"');
    expect(() => searchRequest({ country: 'GB', contains: '12a' })).toThrow('contains must be 1 to 15 digits, got "12a"');
    expect(() => searchRequest({ country: 'GB', endsWith: '1'.repeat(16) })).toThrow('endsWith must be 1 to 15 digits');
    expect(() => searchRequest({ country: 'GB', region: 'x'.repeat(65) })).toThrow('input.region must be 1 to 64 characters without control characters, got 65 characters');
    expect(() => searchRequest({ country: 'GB', region: 'Lon\u0000don' })).toThrow('input.region must be 1 to 64 characters without control characters, got a control character at position 3');
    expect(() => searchRequest({ country: 'GB', capabilities: ['sms', 'sms', 'sms', 'sms', 'sms'] })).toThrow('capabilities lists at most the 4 capabilities');
  });
});

const hit = (national: string): SearchHit => ({
  e164: `+44${national}`,
  country: 'GB',
  numberType: 'MOBILE',
  region: null,
  areaCode: null,
  capabilities: ['voice', 'sms'],
  source: { carrierId: 'carrier-a', providerId: null },
  setupPrice: { amount: '1.00', currency: 'GBP' },
  monthlyPrice: { amount: '2.00', currency: 'GBP' },
  status: 'available',
});

/**
 * A provider holding these national numbers, answering at most `limit` per search (in national
 * order) after a tick, counting calls in flight; `failing` prefixes answer with that error.
 */
function provider(nationals: string[], failing: Map<string, Error> = new Map()) {
  const sorted = [...nationals].sort();
  const calls: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  return {
    calls,
    mostInFlight: () => mostInFlight,
    async search(request: SearchRequest): Promise<SearchResponse> {
      const prefix = request.startsWith ?? '';
      calls.push(prefix);
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      const failure = failing.get(prefix);
      if (failure) throw failure;
      const matching = sorted.filter((n) => n.startsWith(prefix));
      return { numbers: matching.slice(0, request.limit).map(hit), truncated: matching.length > request.limit! };
    },
  };
}

/** The split asked one call at a time, breadth first: what a search by levels must call and keep. */
async function oneByOne(api: { search(request: SearchRequest): Promise<SearchResponse> }, request: SearchRequest, pageCap: number): Promise<SearchHit[]> {
  const hits: SearchHit[] = [];
  const queue = [request.startsWith ?? ''];
  for (let calls = 0; queue.length > 0 && calls < MAX_CALLS_PER_PROVIDER && hits.length < MAX_RESULTS_PER_SEARCH; calls++) {
    const startsWith = queue.shift()!;
    const response = await api.search({ ...request, ...(startsWith ? { startsWith } : {}), limit: pageCap });
    hits.push(...response.numbers);
    if (response.truncated && startsWith.length < 15) queue.push(...'0123456789'.split('').map((d) => startsWith + d));
  }
  return hits;
}

/** `count` national mobile numbers: 7 and nine digits, `step` apart. */
const mobiles = (count: number, step: number) => Array.from({ length: count }, (_, i) => `7${String(i * step).padStart(9, '0')}`);

describe('one provider searched past its page cap', () => {
  const request: SearchRequest = { country: 'GB', numberType: 'MOBILE' };

  it('asks each level of the split at once, making the calls and keeping the hits of asking them one by one', async () => {
    const nationals = mobiles(3_000, 333_331);
    const reference = provider(nationals);
    const expected = await oneByOne(reference, request, 50);
    const levels = provider(nationals);
    const hits = await searchProvider(levels, request, 50);
    expect(hits).toEqual(expected);
    // the root, its ten digits, then the first ten parts of the truncated ones: the call budget
    expect(levels.calls).toEqual(reference.calls);
    expect(levels.calls).toHaveLength(MAX_CALLS_PER_PROVIDER);
    // three round trips instead of 21: each level's ten parts in flight at once
    expect(reference.mostInFlight()).toBe(1);
    expect(levels.mostInFlight()).toBe(10);
  });

  it('keeps no more hits than asking one by one would past the cap, and fails only on a failure asked before it', async () => {
    // 1,000 per answer: the cap is reached within the second level
    const nationals = mobiles(30_000, 33_331);
    const capPrefix = '77';
    const expected = await oneByOne(provider(nationals), request, 1_000);
    expect(expected.length).toBe(MAX_RESULTS_PER_SEARCH);
    const levels = provider(nationals, new Map([['79', new Error('after the cap: never asked one by one')]]));
    expect(await searchProvider(levels, request, 1_000)).toEqual(expected);
    expect(expected.at(-1)!.e164.startsWith(`+44${capPrefix}`)).toBe(true);

    const failure = new Error('the provider failed on 74');
    await expect(oneByOne(provider(nationals, new Map([['74', failure]])), request, 1_000)).rejects.toBe(failure);
    await expect(searchProvider(provider(nationals, new Map([['74', failure], ['76', new Error('a later failure')]])), request, 1_000)).rejects.toBe(failure);
  });

  it('asks once when the provider answers everything in one page', async () => {
    const api = provider(mobiles(40, 1_000));
    expect(await searchProvider(api, request, 50)).toHaveLength(40);
    expect(api.calls).toEqual(['']);
  });
});
