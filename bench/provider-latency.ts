/** The slowest provider a search waits for: each seller of a market asked directly, one search call at a time. */
import type { SearchRequest } from '../providers/api.js';
import { ProviderDirectory } from '../providers/client/index.js';

export interface SellerLatency {
  providerId: string;
  /** Median time of one search call (the first level of a search: the whole market, at its page cap). */
  p50Ms: number;
  calls: number;
}

/**
 * Every provider of the directory that has numbers for the request, asked `samples` times one
 * after another: the slowest median first. A search at its best waits about one of these per
 * level of its split, so a search's p50 reads best as a multiple of the first's.
 */
export async function sellerLatencies(providersUrl: string, request: SearchRequest, samples = 25): Promise<SellerLatency[]> {
  const directory = await ProviderDirectory.discover(providersUrl);
  try {
    const sellers: SellerLatency[] = [];
    for (const api of directory.all()) {
      const { pageCap } = await api.profile();
      const times: number[] = [];
      for (let i = 0; i < samples; i++) {
        const started = performance.now();
        const answer = await api.search({ ...request, limit: pageCap });
        times.push(performance.now() - started);
        if (answer.numbers.length === 0) break; // not a seller of this market
      }
      if (times.length < samples) continue;
      times.sort((a, b) => a - b);
      sellers.push({ providerId: api.providerId, p50Ms: times[Math.floor(times.length / 2)]!, calls: times.length });
    }
    return sellers.sort((a, b) => b.p50Ms - a.p50Ms);
  } finally {
    await directory.close();
  }
}
