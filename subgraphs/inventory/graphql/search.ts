/** Number search: fanned out to every provider of the market, truncated pages split by digit, merged, and kept in the database for paging. */
import type { Capability, SearchHit, SearchRequest } from '../../../providers/api.js';
import { badUserInput } from '../../../contracts/errors.js';
import { readCountry, readText } from '../../../platform/input.js';
import type { Context } from '../context.js';
import type { ProviderErrorModel, SearchResultModel } from './models.js';
import type { StoredSearch } from '../store/searches.js';
import * as repo from '../store/repository.js';
import { isProviderFailure, providerFailureMessage } from '../../provider-failure.js';
import { ProviderError, type ProviderClient } from '../../../providers/client/index.js';

/** Numbers kept per search at most. */
export const MAX_RESULTS_PER_SEARCH = 10_000;
/** Calls to one provider for one search at most, when its page cap makes it split the query. */
export const MAX_CALLS_PER_PROVIDER = 21;

export interface SearchInput {
  country: string;
  numberType?: string | null;
  startsWith?: string | null;
  contains?: string | null;
  endsWith?: string | null;
  region?: string | null;
  areaCode?: string | null;
  capabilities?: readonly Capability[] | null;
}

const DIGITS = /^\d{1,15}$/;

/** The input as a provider search request, or BAD_USER_INPUT saying what is wrong. */
export function searchRequest(input: SearchInput): SearchRequest {
  const country = readCountry(input.country, 'input.country');
  for (const field of ['startsWith', 'contains', 'endsWith', 'areaCode'] as const) {
    const value = input[field];
    if (value != null && !DIGITS.test(value)) throw badUserInput(`${field} must be 1 to 15 digits, got "${value.slice(0, 20)}"`, 'input');
  }
  if (input.capabilities != null && input.capabilities.length > 4) throw badUserInput('capabilities lists at most the 4 capabilities', 'input');
  // As provider APIs take it: a place name, no control characters (else every provider refuses the search).
  if (input.region != null) readText(input.region, 'input.region', { min: 1, max: 64 });
  return {
    country,
    ...(input.numberType ? { numberType: input.numberType } : {}),
    ...(input.startsWith ? { startsWith: input.startsWith } : {}),
    ...(input.contains ? { contains: input.contains } : {}),
    ...(input.endsWith ? { endsWith: input.endsWith } : {}),
    ...(input.region ? { region: input.region } : {}),
    ...(input.areaCode ? { areaCode: input.areaCode } : {}),
    ...(input.capabilities?.length ? { capabilities: [...input.capabilities] } : {}),
  };
}

/**
 * Everything one provider has for the request. A provider returns at most its page cap per
 * search; when it says it truncated, the query is split by the next digit of the national
 * number (disjoint parts), so its cap does not limit the total (within a bounded number of calls).
 * The parts are asked breadth first, each level's parts at once: a search waits about one round
 * trip per digit of the split, not one per call (21 calls one after another at scale 100). The
 * calls and the hits kept are those of asking the parts one by one in that order: past the cap
 * on hits, answers are dropped as if never asked, and the first failure in that order fails the
 * provider's search.
 */
export async function searchProvider(api: Pick<ProviderClient, 'search'>, request: SearchRequest, pageCap: number): Promise<SearchHit[]> {
  const hits: SearchHit[] = [];
  let queue = [request.startsWith ?? ''];
  let calls = 0;
  while (queue.length > 0 && calls < MAX_CALLS_PER_PROVIDER && hits.length < MAX_RESULTS_PER_SEARCH) {
    const level = queue.slice(0, MAX_CALLS_PER_PROVIDER - calls);
    calls += level.length;
    const answers = await Promise.allSettled(level.map((startsWith) => api.search({ ...request, ...(startsWith ? { startsWith } : {}), limit: pageCap })));
    const next: string[] = [];
    for (const [i, answer] of answers.entries()) {
      if (hits.length >= MAX_RESULTS_PER_SEARCH) break;
      if (answer.status === 'rejected') throw answer.reason;
      hits.push(...answer.value.numbers);
      const startsWith = level[i]!;
      if (answer.value.truncated && startsWith.length < 15) next.push(...'0123456789'.split('').map((d) => startsWith + d));
    }
    queue = [...queue.slice(level.length), ...next];
  }
  return hits;
}

/** Fans the search out to every provider with stock in the market, in parallel, and merges by number. */
export async function runSearch(ctx: Context, request: SearchRequest): Promise<StoredSearch> {
  const providerIds = await repo.providersInMarket(ctx.db, request.country, request.numberType ?? null);
  const rows = await ctx.loaders.providers.loadMany(providerIds);
  const merged = new Map<string, SearchResultModel>();
  const providerErrors: ProviderErrorModel[] = [];
  const outcomes = await Promise.all(
    providerIds.map(async (providerId, i) => {
      const api = ctx.upstream.provider(providerId);
      const row = rows[i];
      if (!api || !row || row instanceof Error) return { providerId, error: new ProviderError(providerId, 'search', 'rejected', 'not in the directory') };
      try {
        return { providerId, hits: await searchProvider(api, request, row.page_cap) };
      } catch (error) {
        // a provider's failure leaves the others' results standing; anything else is a bug and fails the search
        if (!isProviderFailure(error)) throw error;
        ctx.logger.warn({ err: error, providerId }, 'search: a provider could not answer');
        return { providerId, error };
      }
    }),
  );
  for (const outcome of outcomes) {
    if ('error' in outcome && outcome.error) {
      providerErrors.push({ providerId: outcome.providerId, code: outcome.error.kind === 'timeout' ? 'TIMEOUT' : 'UNAVAILABLE', message: providerFailureMessage(outcome.error) });
      continue;
    }
    for (const hit of outcome.hits ?? []) {
      let result = merged.get(hit.e164);
      if (!result) {
        if (merged.size >= MAX_RESULTS_PER_SEARCH) continue;
        result = { e164: hit.e164, region: hit.region, capabilities: [...hit.capabilities], offers: [] };
        merged.set(hit.e164, result);
      }
      if (!result.offers.some((o) => o.providerId === outcome.providerId)) {
        result.offers.push({ providerId: outcome.providerId, setupPrice: hit.setupPrice, monthlyPrice: hit.monthlyPrice });
      }
    }
  }
  // E.164 numbers ('+' and digits) sort by code point as they do by locale, without the collator
  const results = [...merged.values()].sort((a, b) => (a.e164 < b.e164 ? -1 : a.e164 > b.e164 ? 1 : 0));
  for (const result of results) result.offers.sort((a, b) => Number(a.setupPrice.amount) - Number(b.setupPrice.amount) || a.providerId.localeCompare(b.providerId));
  return { tenant: ctx.tenant, results, providerErrors };
}

export function storeSearch(ctx: Context, search: StoredSearch): Promise<string> {
  return ctx.searches.put(ctx.db, search);
}
