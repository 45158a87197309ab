/** ProviderClient: the adapter every upstream provider integration implements for inventory, compliance, orders and routing. */
import type {
  DocumentsPage,
  EvaluationResult,
  Registration,
  RegistrationList,
  RegistrationRequest,
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
  RoutingRequest,
  RoutingState,
  SearchRequest,
  SearchResponse,
  StatusResult,
} from '../api.js';

/**
 * One upstream provider, as the inventory subgraph sees it: the adapter every provider
 * integration implements (the HTTP one speaks providers/api.ts). Reads may be retried by the
 * implementation; reserve, order and release are sent once (the order is idempotent by key,
 * so the caller may repeat it with the same key).
 */
export interface ProviderClient {
  readonly providerId: string;
  profile(): Promise<ProviderProfile>;
  /** One page of the inventory feed: changes since the cursor (absent: everything). */
  inventoryPage(query?: InventoryQuery): Promise<InventoryPage>;
  /** One page of the provider's compliance documents (absent cursor: from the start). */
  documentsPage(cursor?: string): Promise<DocumentsPage>;
  /** What the provider requires of an end user for a market, in its own published shape (see compliance's mappers). */
  requirements(country: string, numberType: string): Promise<unknown>;
  /** Registers an end user for a market (sent once); pending review, or a draft saying what is missing. */
  register(request: RegistrationRequest): Promise<Registration>;
  /** A dry run of a registration: what would be missing. */
  evaluate(request: RegistrationRequest): Promise<EvaluationResult>;
  /** The provider's registrations of an end user, with their review state now. */
  registrations(endUserRef: string): Promise<RegistrationList>;
  search(request: SearchRequest): Promise<SearchResponse>;
  /** Status and price of up to the provider's batch limit of numbers, in request order. */
  statusBatch(numbers: string[]): Promise<StatusResult[]>;
  reserve(request: ReserveRequest): Promise<ReserveResponse>;
  order(request: OrderRequest, idempotencyKey: string): Promise<OrderAccepted>;
  getOrder(orderId: string): Promise<OrderState>;
  /** Polls the order until it is no longer `accepted` (or the attempts run out: then its last state). */
  waitForOrder(orderId: string, options?: { intervalMs?: number; maxPolls?: number }): Promise<OrderState>;
  release(request: ReleaseRequest): Promise<ReleaseResponse>;
  /** Sets a number's routing for the reference that ordered it (sent once; a PUT is idempotent, so the caller may repeat it). */
  putRouting(e164: string, reference: string, routing: RoutingRequest): Promise<RoutingState>;
  /** The number's routing as the provider holds it; null when none. */
  getRouting(e164: string, reference: string): Promise<RoutingState | null>;
  /** Removes the number's routing (none left is success). */
  deleteRouting(e164: string, reference: string): Promise<void>;
  /** Whether the breaker currently lets calls through. */
  readonly circuit: 'closed' | 'open' | 'half-open';
  close(): Promise<void>;
}
