/** Search input becomes a provider search request, or is refused before any provider is asked; every provider's search split by digit, level by level, bounded by the numbers it keeps. */
import { describe, expect, it } from 'vitest';
import type { SearchHit, SearchRequest, SearchResponse } from '../../../providers/api.js';
import { fanOut, MAX_CALLS_PER_PROVIDER, MAX_RESULTS_PER_SEARCH, searchRequest } from './search.js';

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

/** `count` national mobile numbers: 7 and nine digits, `step` apart. */
const mobiles = (count: number, step: number) => Array.from({ length: count }, (_, i) => `7${String(i * step).padStart(9, '0')}`);

const request: SearchRequest = { country: 'GB', numberType: 'MOBILE' };
const distinct = (answers: { hits: SearchHit[] }[]) => new Set(answers.flatMap((a) => a.hits.map((h) => h.e164)));

describe('providers searched past their page caps', () => {
  it('asks once when every provider answers everything in one page, and holds every match', async () => {
    const a = provider(mobiles(40, 1_000));
    const b = provider(mobiles(30, 7_000));
    const { answers, complete } = await fanOut([{ providerId: 'a', api: a, pageCap: 50 }, { providerId: 'b', api: b, pageCap: 50 }], request);
    expect(answers.map((x) => x.hits.length)).toEqual([40, 30]);
    expect(a.calls).toEqual(['']);
    expect(b.calls).toEqual(['']);
    expect(complete).toBe(true);
  });

  it('splits a truncated part by the next digit, each level at once, until every match is found', async () => {
    // 300 numbers under 70, 71 and 72; a page cap of 150 truncates the root and 7, not 70 to 79
    const nationals = mobiles(300, 800_011);
    const api = provider(nationals);
    const { answers, complete } = await fanOut([{ providerId: 'a', api, pageCap: 150 }], request);
    expect(distinct(answers)).toEqual(new Set(nationals.map((n) => `+44${n}`)));
    expect(complete).toBe(true);
    // the root, its ten digits, then the ten digits of 7: three round trips, ten calls in flight at most
    expect(api.calls.slice(0, 11)).toEqual(['', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(api.calls.length).toBe(21);
    expect(api.mostInFlight()).toBe(10);
  });

  it('asks no further part once the numbers found reach the bound, however large the market, and says it is not complete', async () => {
    // a market 100 times larger than the bound, at three providers
    const providers = [0, 1, 2].map((i) => ({ providerId: `p${i}`, api: provider(mobiles(100_000, 99_991 + i)), pageCap: 500 }));
    const { answers, complete } = await fanOut(providers, request);
    expect(complete).toBe(false);
    // one level: three pages of 500 are past the bound of 1,000
    expect(providers.map((p) => p.api.calls)).toEqual([[''], [''], ['']]);
    expect(distinct(answers).size).toBeGreaterThanOrEqual(MAX_RESULTS_PER_SEARCH);

    // with small pages, the split goes on only until the bound is reached
    const small = [0, 1, 2].map((i) => ({ providerId: `p${i}`, api: provider(mobiles(100_000, 99_991 + i)), pageCap: 50 }));
    const few = await fanOut(small, request);
    expect(few.complete).toBe(false);
    const calls = small.map((p) => p.api.calls.length);
    // the root (3 pages, 150), the ten digits (3 x 10 calls; only 7 has numbers: 300 in all), then the digits of 7 (30 calls, 1,500)
    expect(calls).toEqual([21, 21, 21]);
    expect(distinct(few.answers).size).toBeGreaterThanOrEqual(MAX_RESULTS_PER_SEARCH);
  });

  it('stops a provider at its call budget and says the result is not complete', async () => {
    // a page cap of 5 over 2,000 numbers: the split needs more than 21 calls
    const api = provider(mobiles(200, 49_999_999));
    const { answers, complete } = await fanOut([{ providerId: 'a', api, pageCap: 5 }], request);
    expect(api.calls).toHaveLength(MAX_CALLS_PER_PROVIDER);
    expect(complete).toBe(false);
    expect(answers[0]!.hits.length).toBeGreaterThan(0);
  });

  it("ends a provider's search at its first failure, dropping its hits, and leaves the others' standing", async () => {
    const nationals = mobiles(300, 800_011);
    const failure = new Error('the provider failed on 71');
    const failing = provider(nationals, new Map([['71', failure]]));
    const healthy = provider(nationals);
    const { answers, complete } = await fanOut([{ providerId: 'bad', api: failing, pageCap: 150 }, { providerId: 'good', api: healthy, pageCap: 150 }], request);
    expect(answers[0]).toEqual({ providerId: 'bad', hits: [], error: failure });
    expect(distinct([answers[1]!]).size).toBe(300);
    expect(complete).toBe(true);
    // no part of the failed provider is asked after the level that failed
    expect(failing.calls).toHaveLength(11 + 10);
    expect(healthy.calls).toHaveLength(21);
  });
});
