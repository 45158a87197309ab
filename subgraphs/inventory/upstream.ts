import type {
  DirectoryEntry,
  InventoryPage,
  InventoryQuery,
  OrderAccepted,
  OrderRequest,
  OrderState,
  ProviderProfile,
  ReleaseRequest,
  ReleaseResponse,
  ReserveRequest,
  ReserveResponse,
  SearchRequest,
  SearchResponse,
  StatusResponse,
} from '../../providers/api.js';

/**
 * What the inventory subgraph needs of the providers' APIs: the provider client of
 * providers/client (timeouts, read retries, breaker, bulkhead, health) behind one seam, so
 * the subgraph can run without providers (an empty catalogue) and the sync can be driven alone.
 */
export interface ProviderApi {
  profile(): Promise<ProviderProfile>;
  inventory(query: InventoryQuery): Promise<InventoryPage>;
  search(request: SearchRequest): Promise<SearchResponse>;
  status(numbers: string[]): Promise<StatusResponse>;
  reserve(request: ReserveRequest): Promise<ReserveResponse>;
  order(request: OrderRequest, idempotencyKey: string): Promise<OrderAccepted>;
  orderState(orderId: string): Promise<OrderState>;
  release(request: ReleaseRequest): Promise<ReleaseResponse>;
}

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

export interface Upstream {
  /** The providers the aggregator has contracts with. */
  directory(): Promise<DirectoryEntry[]>;
  /** The API of one provider of the directory; null for an id the directory does not list. */
  provider(id: string): ProviderApi | null;
  health(id: string): ProviderHealth;
}

const NO_CALLS: HealthWindow = { calls: 0, errorRate: null, availability: null, latencyP50Ms: null, latencyP95Ms: null, latencyP99Ms: null };

/** No providers configured: the catalogue stays as it is (empty on a fresh database). */
export const NO_UPSTREAM: Upstream = {
  directory: async () => [],
  provider: () => null,
  health: () => ({ circuitOpen: false, lastFiveMinutes: NO_CALLS, lastHour: NO_CALLS }),
};

/** A provider call that failed; `timeout` when it did not answer in time. */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    readonly providerId: string,
    readonly kind: 'unavailable' | 'timeout' | 'rejected',
    message: string,
  ) {
    super(message);
  }
}
