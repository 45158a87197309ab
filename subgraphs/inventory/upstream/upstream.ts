/** What inventory needs of the providers: directory, clients and API health; and provider failures in words a client may read. */
import type { DirectoryEntry } from '../../../providers/api.js';
import type { ApiHealth, ProviderClient, ProviderDirectory } from '../../../providers/client/index.js';

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
