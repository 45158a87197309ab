/** Search input becomes a provider search request, or is refused before any provider is asked; every provider's search split by digit, level by level, bounded by the numbers it keeps. */
import { describe, expect, it } from 'vitest';
import type { SearchHit, SearchRequest, SearchResponse } from '../../../providers/api.js';
import { fanOut, MAX_CALLS_PER_PROVIDER, MAX_RESULTS_PER_SEARCH, mergeAnswers, searchRequest } from './search.js';

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

/** `count` national mobile numbers: 7 and nine digits, `step` apart (a step under 1,111,111 keeps them under ten digits). */
const mobiles = (count: number, step: number) => Array.from({ length: count }, (_, i) => `7${String(i * step).padStart(9, '0')}`);
/** `perDigit` numbers under each first digit 1 to 9 of a ten-digit national number, `step` apart. */
const spread = (perDigit: number, step: number) =>
  [1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((d) => Array.from({ length: perDigit }, (_, i) => `${d}${String(i * step).padStart(9, '0')}`));

const request: SearchRequest = { country: 'GB', numberType: 'MOBILE' };
const distinct = (answers: readonly { hits: readonly SearchHit[] }[]) => new Set(answers.flatMap((a) => a.hits.map((h) => h.e164)));

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
    // a market 100 times the bound, at three providers: three pages of 500 are past it after one level
    const large = [0, 1, 2].map((i) => ({ providerId: `p${i}`, api: provider(spread(11_111, 90_001 + i)), pageCap: 500 }));
    const { answers, complete } = await fanOut(large, request);
    expect(complete).toBe(false);
    expect(large.map((p) => p.api.calls)).toEqual([[''], [''], ['']]);
    expect(distinct(answers).size).toBeGreaterThanOrEqual(MAX_RESULTS_PER_SEARCH);

    // pages of 50: the root (150 numbers), then the ten digits (3 x 9 pages of 50: past 1,000), then nothing more
    const small = [0, 1, 2].map((i) => ({ providerId: `p${i}`, api: provider(spread(11_111, 90_001 + i)), pageCap: 50 }));
    const few = await fanOut(small, request);
    expect(few.complete).toBe(false);
    expect(small.map((p) => p.api.calls.length)).toEqual([11, 11, 11]);
    expect(distinct(few.answers).size).toBeGreaterThanOrEqual(MAX_RESULTS_PER_SEARCH);
  });

  it("does not count a failed provider's numbers toward the bound", async () => {
    // the failing provider finds 999 numbers under 1, 2 and 3 before failing on 9 in the same level; the other has 900 under 5
    const failing = provider([...spread(499, 1_001).filter((n) => n[0] === '1' || n[0] === '2'), '3000000000'], new Map([['9', new Error('failed on 9')]]));
    // 90 under each of 50 to 59: a page cap of 100 truncates the root and 5, then each part answers whole
    const healthy = provider([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((d) => Array.from({ length: 90 }, (_, i) => `5${d}${String(i * 1_000_003).padStart(8, '0')}`)));
    const { answers, complete } = await fanOut([{ providerId: 'bad', api: failing, pageCap: 499 }, { providerId: 'good', api: healthy, pageCap: 100 }], request);
    expect(answers[0]).toMatchObject({ providerId: 'bad', failed: true, hits: [] });
    expect(distinct([answers[1]!]).size).toBe(900);
    expect(complete).toBe(true);
  });

  it('stops a provider at its call budget and says the result is not complete', async () => {
    // a page cap of 5 over 200 numbers spread over 70 to 79: the split needs more than 21 calls
    const api = provider(mobiles(200, 500_003));
    const { answers, complete } = await fanOut([{ providerId: 'a', api, pageCap: 5 }], request);
    expect(api.calls).toHaveLength(MAX_CALLS_PER_PROVIDER);
    expect(complete).toBe(false);
    expect(answers[0]!.hits.length).toBeGreaterThan(0);
  });

  it("ends a provider's search at its first failure, dropping its hits, and leaves the others' standing", async () => {
    const nationals = mobiles(300, 800_011);
    const failure = new Error('the provider failed on 7');
    const failing = provider(nationals, new Map([['7', failure], ['8', new Error('a later failure')]]));
    const healthy = provider(nationals);
    const { answers, complete } = await fanOut([{ providerId: 'bad', api: failing, pageCap: 150 }, { providerId: 'good', api: healthy, pageCap: 150 }], request);
    expect(answers[0]).toEqual({ providerId: 'bad', hits: [], failed: true, error: failure });
    expect(distinct([answers[1]!]).size).toBe(300);
    expect(complete).toBe(true);
    // nothing of the failed provider is asked after the level that failed; the other goes a level deeper
    expect(failing.calls).toHaveLength(11);
    expect(healthy.calls).toHaveLength(21);
  });

  it('fails the search when a call rejects with something other than an error, rather than dropping it', async () => {
    const odd = { search: async (): Promise<SearchResponse> => Promise.reject(undefined) };
    const { answers } = await fanOut([{ providerId: 'odd', api: odd, pageCap: 50 }], request);
    expect(answers[0]).toEqual({ providerId: 'odd', hits: [], failed: true, error: undefined });
  });
});

describe('the providers\' answers merged', () => {
  const offerOf = (national: string, price: string): SearchHit => ({ ...hit(national), setupPrice: { amount: price, currency: 'GBP' } });

  it('gives one result per number with every provider\'s offer, cheapest first, ordered by number', () => {
    const { results, complete } = mergeAnswers(
      [
        { providerId: 'b', hits: [offerOf('7000000002', '1.00'), offerOf('7000000001', '3.00')] },
        { providerId: 'a', hits: [offerOf('7000000001', '2.00')] },
      ],
      true,
    );
    expect(results.map((r) => [r.e164, r.offers.map((o) => o.providerId)])).toEqual([
      ['+447000000001', ['a', 'b']],
      ['+447000000002', ['b']],
    ]);
    expect(complete).toBe(true);
  });

  it('keeps the lowest numbers up to the bound and says the result is not complete when it left any out', () => {
    // two providers, 600 numbers each, none truncated: the fan-out was complete, the merge is not
    const a = Array.from({ length: 600 }, (_, i) => hit(`7${String(i * 2).padStart(9, '0')}`));
    const b = Array.from({ length: 600 }, (_, i) => hit(`7${String(i * 2 + 1).padStart(9, '0')}`));
    const { results, complete } = mergeAnswers([{ providerId: 'a', hits: a }, { providerId: 'b', hits: b }], true);
    expect(results).toHaveLength(MAX_RESULTS_PER_SEARCH);
    expect(results.at(-1)!.e164).toBe(`+447${String(MAX_RESULTS_PER_SEARCH - 1).padStart(9, '0')}`);
    expect(complete).toBe(false);
    expect(mergeAnswers([{ providerId: 'a', hits: a }], true).complete).toBe(true);
  });
});
