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

/**
 * Numbers a search keeps at most, over all its providers. It bounds a search's work by what a
 * client can page through, not by the size of the market: past it, no further part of any
 * provider's split is asked, and the payload says the result is not complete.
 */
export const MAX_RESULTS_PER_SEARCH = 1_000;
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

/** One provider to search, with its page cap. */
export interface ProviderToSearch {
  providerId: string;
  api: Pick<ProviderClient, 'search'>;
  pageCap: number;
}

/** What one provider answered: its hits, or the failure that ended its search (its hits then dropped). */
export type ProviderAnswer = { providerId: string; hits: SearchHit[]; failed: false } | { providerId: string; hits: []; failed: true; error: unknown };

/** Every provider's answer, and whether they hold every match (no part left unasked). */
export interface FanOut {
  answers: ProviderAnswer[];
  complete: boolean;
}

/**
 * Every provider's matches, level by level, all providers at once. A provider returns at most its
 * page cap per search; when it says it truncated, that part is split by the next digit of the
 * national number (disjoint parts) and the parts are asked at the next level, all at once: a
 * search waits one round trip per digit of the split (the slowest provider's, at each level),
 * not one per call. Levels stop when no part is left, or when the distinct numbers found by the
 * providers still answering reach MAX_RESULTS_PER_SEARCH (checked between levels, so the last
 * level may bring more: the merge keeps the lowest); one provider stops at MAX_CALLS_PER_PROVIDER.
 * Either leaves the result not complete. A provider's first failure, in the order its parts were
 * asked, ends its search and drops its hits; the others go on.
 */
export async function fanOut(providers: readonly ProviderToSearch[], request: SearchRequest): Promise<FanOut> {
  const walks = providers.map((p) => ({ ...p, parts: [request.startsWith ?? ''], calls: 0, hits: [] as SearchHit[], failure: null as { error: unknown } | null }));
  // numbers found by the providers still answering: a failed provider's do not count
  const found = () => new Set(walks.flatMap((w) => (w.failure ? [] : w.hits.map((h) => h.e164)))).size;
  let complete = true;
  for (;;) {
    const asking = walks.filter((w) => !w.failure && w.parts.length > 0);
    if (asking.length === 0) break;
    if (found() >= MAX_RESULTS_PER_SEARCH) {
      complete = false;
      break;
    }
    await Promise.all(
      asking.map(async (walk) => {
        const level = walk.parts.slice(0, MAX_CALLS_PER_PROVIDER - walk.calls);
        walk.calls += level.length;
        const answers = await Promise.allSettled(level.map((startsWith) => walk.api.search({ ...request, ...(startsWith ? { startsWith } : {}), limit: walk.pageCap })));
        const next: string[] = [];
        for (const [i, answer] of answers.entries()) {
          if (answer.status === 'rejected') {
            walk.failure = { error: answer.reason };
            walk.hits = [];
            return;
          }
          walk.hits.push(...answer.value.numbers);
          const startsWith = level[i]!;
          if (!answer.value.truncated) continue;
          if (startsWith.length < 15) next.push(...'0123456789'.split('').map((d) => startsWith + d));
          else complete = false;
        }
        walk.parts = [...walk.parts.slice(level.length), ...next];
        if (walk.calls >= MAX_CALLS_PER_PROVIDER && walk.parts.length > 0) {
          complete = false;
          walk.parts = [];
        }
      }),
    );
  }
  const answers = walks.map(({ providerId, hits, failure }): ProviderAnswer => (failure ? { providerId, hits: [], failed: true, error: failure.error } : { providerId, hits, failed: false }));
  return { answers, complete };
}

/**
 * The providers' hits merged by number (one result, every provider's offer, cheapest first),
 * ordered by e164, the lowest MAX_RESULTS_PER_SEARCH kept: complete only when the fan-out was and
 * nothing was left out here.
 */
export function mergeAnswers(answers: readonly { providerId: string; hits: readonly SearchHit[] }[], fannedOutComplete: boolean): { results: SearchResultModel[]; complete: boolean } {
  const merged = new Map<string, SearchResultModel>();
  for (const answer of answers) {
    for (const hit of answer.hits) {
      let result = merged.get(hit.e164);
      if (!result) {
        result = { e164: hit.e164, region: hit.region, capabilities: [...hit.capabilities], offers: [] };
        merged.set(hit.e164, result);
      }
      if (!result.offers.some((o) => o.providerId === answer.providerId)) {
        result.offers.push({ providerId: answer.providerId, setupPrice: hit.setupPrice, monthlyPrice: hit.monthlyPrice });
      }
    }
  }
  // E.164 numbers ('+' and digits) sort by code point as they do by locale, without the collator
  const sorted = [...merged.values()].sort((a, b) => (a.e164 < b.e164 ? -1 : a.e164 > b.e164 ? 1 : 0));
  const results = sorted.slice(0, MAX_RESULTS_PER_SEARCH);
  for (const result of results) result.offers.sort((a, b) => Number(a.setupPrice.amount) - Number(b.setupPrice.amount) || a.providerId.localeCompare(b.providerId));
  return { results, complete: fannedOutComplete && sorted.length <= MAX_RESULTS_PER_SEARCH };
}

/** Fans the search out to every provider with stock in the market and merges by number. */
export async function runSearch(ctx: Context, request: SearchRequest): Promise<StoredSearch> {
  const providerIds = await repo.providersInMarket(ctx.db, request.country, request.numberType ?? null);
  const rows = await ctx.loaders.providers.loadMany(providerIds);
  const toSearch: ProviderToSearch[] = [];
  const failures = new Map<string, ProviderError>();
  for (const [i, providerId] of providerIds.entries()) {
    const api = ctx.upstream.provider(providerId);
    const row = rows[i];
    if (!api || !row || row instanceof Error) failures.set(providerId, new ProviderError(providerId, 'search', 'rejected', 'not in the directory'));
    else toSearch.push({ providerId, api, pageCap: row.page_cap });
  }
  const fanned = await fanOut(toSearch, request);
  for (const answer of fanned.answers) {
    if (!answer.failed) continue;
    // a provider's failure leaves the others' results standing; anything else is a bug and fails the search
    if (!isProviderFailure(answer.error)) throw answer.error;
    ctx.logger.warn({ err: answer.error, providerId: answer.providerId }, 'search: a provider could not answer');
    failures.set(answer.providerId, answer.error);
  }
  const { results, complete } = mergeAnswers(fanned.answers, fanned.complete);
  // one entry per failed provider, in the order the providers were found
  const providerErrors: ProviderErrorModel[] = providerIds.flatMap((providerId) => {
    const error = failures.get(providerId);
    return error ? [{ providerId, code: error.kind === 'timeout' ? 'TIMEOUT' : 'UNAVAILABLE', message: providerFailureMessage(error) } as const] : [];
  });
  return { tenant: ctx.tenant, results, providerErrors, complete };
}

export function storeSearch(ctx: Context, search: StoredSearch): Promise<string> {
  return ctx.searches.put(ctx.db, search);
}
