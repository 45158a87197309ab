import type { DirectoryEntry } from '../../providers/api.js';
import { ProviderError, type ApiHealth, type ProviderClient, type ProviderDirectory } from '../../providers/client/index.js';

/** One sliding window of a provider's API health, measured from the aggregator's calls. */
export interface HealthWindow {
  calls: number;
  errorRate: number | null;
  availability: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
}

export interface ProviderHealth {
  circuitOpen: boolean;
  lastFiveMinutes: HealthWindow;
  lastHour: HealthWindow;
}

/**
 * What the inventory subgraph needs of the providers: the directory and one client each
 * (providers/client: timeouts, read retries, breaker, bulkhead, health measured from our calls).
 */
export interface Upstream {
  /** The providers the aggregator has contracts with. */
  directory(): Promise<DirectoryEntry[]>;
  /** The client of one provider of the directory; null for an id the directory does not list. */
  provider(id: string): ProviderClient | null;
  health(id: string): ProviderHealth;
}

const NO_CALLS: HealthWindow = { calls: 0, errorRate: null, availability: null, latencyP50Ms: null, latencyP95Ms: null, latencyP99Ms: null };

/** No providers configured: the catalogue stays as it is (empty on a fresh database). */
export const NO_UPSTREAM: Upstream = {
  directory: async () => [],
  provider: () => null,
  health: () => ({ circuitOpen: false, lastFiveMinutes: NO_CALLS, lastHour: NO_CALLS }),
};

function window(health: ApiHealth): HealthWindow {
  return {
    calls: health.calls,
    errorRate: health.errorRate,
    availability: health.availability,
    latencyP50Ms: health.latencyMs?.p50 ?? null,
    latencyP95Ms: health.latencyMs?.p95 ?? null,
    latencyP99Ms: health.latencyMs?.p99 ?? null,
  };
}

/** The providers of a discovered directory, their health from its recorder. */
export function upstreamFromDirectory(directory: ProviderDirectory): Upstream {
  return {
    directory: async () => directory.entries,
    provider: (id) => directory.get(id) ?? null,
    health: (id) => ({
      circuitOpen: directory.get(id)?.circuit === 'open',
      lastFiveMinutes: window(directory.recorder.health(id, '5m')),
      lastHour: window(directory.recorder.health(id, '1h')),
    }),
  };
}

/**
 * A provider's failure in words a client may read: what kind of failure, never the provider's
 * own error text, addresses or bodies (they are upstream internals, and a provider controls them).
 */
export function providerFailure(error: unknown): string {
  if (!(error instanceof ProviderError)) return 'could not be asked';
  switch (error.kind) {
    case 'timeout':
      return 'did not answer in time';
    case 'unavailable':
      return `is unavailable (HTTP ${error.httpStatus ?? 503})`;
    case 'network':
      return 'could not be reached';
    case 'rejected':
      return error.httpStatus === null ? 'is not in the directory' : `refused the call (HTTP ${error.httpStatus}${error.code !== null && /^[a-z_]{1,40}$/.test(error.code) ? ` ${error.code}` : ''})`;
    case 'circuit_open':
      return 'is failing: calls to it are paused for a moment';
    case 'overloaded':
      return 'has too many calls waiting';
  }
}
