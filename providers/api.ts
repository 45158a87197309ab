/**
 * The HTTP API every upstream provider speaks in numbergraph's world: the simulator serves it
 * and the provider client calls it. One provider's base URL is `<simulator>/providers/<id>/`.
 * JSON everywhere; amounts are decimal strings with an ISO 4217 currency, never floats.
 *
 * These types are the contract between the simulator (providers/simulator), the client
 * (providers/client) and the inventory subgraph: change them only together.
 */

/** An amount of money: a decimal string such as "1.50" and its ISO 4217 currency. */
export interface Money {
  amount: string;
  currency: string;
}

/** What a number can carry. */
export type Capability = 'voice' | 'sms' | 'mms' | 'fax';
export const CAPABILITIES: readonly Capability[] = ['voice', 'sms', 'mms', 'fax'];

/** A number's lifecycle status at a provider. */
export type NumberStatus = 'available' | 'reserved' | 'assigned' | 'aging' | 'ported_out';
export const NUMBER_STATUSES: readonly NumberStatus[] = ['available', 'reserved', 'assigned', 'aging', 'ported_out'];

/**
 * Where a provider got a number, as the provider itself declares it. `carrierId` alone (a
 * numbering-plan carrier id, see providers/carrier-id.ts): it buys directly from the
 * carrier, or the carrier is the provider itself (tier 0). `providerId` alone: it resells
 * another provider's offer of the number. Both: it bought the number outright from `providerId`
 * (which no longer offers it), which held it from `carrierId`; the provider now holds it itself.
 */
export interface NumberSource {
  carrierId: string | null;
  providerId: string | null;
}

/** `GET <simulator>/directory`: one provider the aggregator has a contract with. */
export interface DirectoryEntry {
  id: string;
  name: string;
  /** Absolute base URL ending in `/`, e.g. `http://127.0.0.1:4010/providers/p-gb-1/`. */
  baseUrl: string;
}
export interface DirectoryResponse {
  providers: DirectoryEntry[];
}

/** `GET <base>/profile`. */
export interface ProviderProfile {
  id: string;
  name: string;
  /** Set when the provider IS a carrier selling its own numbers (tier 0). */
  carrierId: string | null;
  /** Most numbers accepted by one `POST numbers/status` call. */
  batchLimit: number;
  /** Most items returned by one inventory page or one search. */
  pageCap: number;
}

/** One number as a provider's feed describes it. */
export interface FeedItem {
  /** E.164 with the leading `+`. */
  e164: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** libphonenumber type name, e.g. MOBILE, FIXED_LINE, TOLL_FREE, FIXED_LINE_OR_MOBILE. */
  numberType: string;
  region: string | null;
  areaCode: string | null;
  capabilities: Capability[];
  source: NumberSource;
  setupPrice: Money;
  monthlyPrice: Money;
  status: NumberStatus;
  /** ISO 8601 time of the change this item reports. */
  changedAt: string;
  /** True when the provider no longer offers the number (a tombstone in the feed). */
  removed: boolean;
}

/** `GET <base>/inventory?cursor=&limit=`: changes since the cursor, in change order. */
export interface InventoryQuery {
  /** Opaque; absent for everything from the start. */
  cursor?: string;
  /** At least 1; more than the provider's pageCap is capped to it. */
  limit?: number;
}
export interface InventoryPage {
  items: FeedItem[];
  /** Ask with this later to get only what changed since (always set, even when !hasMore). */
  nextCursor: string;
  hasMore: boolean;
}

/** `POST <base>/search`. Patterns apply to the national significant number (digits only). */
export interface SearchRequest {
  country: string;
  numberType?: string;
  startsWith?: string;
  contains?: string;
  endsWith?: string;
  region?: string;
  areaCode?: string;
  capabilities?: Capability[];
  /** At most the provider's pageCap (more is capped, not an error). */
  limit?: number;
}
export type SearchHit = Omit<FeedItem, 'removed' | 'changedAt'>;
export interface SearchResponse {
  numbers: SearchHit[];
  /** True when more numbers matched than were returned. */
  truncated: boolean;
}

/** `POST <base>/numbers/status`: at most batchLimit numbers, else 400. Results in request order. */
export interface StatusRequest {
  numbers: string[];
}
export type StatusResult =
  | { e164: string; found: true; status: NumberStatus; available: boolean; setupPrice: Money; monthlyPrice: Money }
  | { e164: string; found: false };
export interface StatusResponse {
  results: StatusResult[];
}

/** Per-number outcome of a reservation or a release. */
export interface NumberOutcome {
  e164: string;
  ok: boolean;
  /** Why not, when !ok: e.g. not_found, not_available, reserved_by_other, not_yours. */
  reason?: string;
}

/** `POST <base>/reservations`: holds numbers for `ttlSeconds`; the hold expires by itself. */
export interface ReserveRequest {
  numbers: string[];
  ttlSeconds: number;
  /** The caller's reference (e.g. the tenant's reservation id); also who holds the numbers. */
  reference: string;
}
export interface ReserveResponse {
  reservationId: string;
  /** ISO 8601. */
  expiresAt: string;
  results: NumberOutcome[];
}

/** `POST <base>/orders` with header `Idempotency-Key`; answers 202. */
export interface OrderRequest {
  numbers: string[];
  /** The caller's reference; a number reserved under the same reference is orderable by it. */
  reference: string;
  /**
   * The aggregator's reference of the end user: where the market has requirements, each number
   * fails `requirements_not_met: <kinds>` without an approved registration of that end user here,
   * or stays pending (`requirement_info_pending`) while one is under review.
   */
  endUserRef?: string;
}
export type OrderStatus = 'accepted' | 'completed' | 'partial' | 'failed';
export interface OrderAccepted {
  orderId: string;
  status: 'accepted';
}
export type OrderNumberStatus = 'pending' | 'completed' | 'failed';
export interface OrderNumberResult {
  e164: string;
  status: OrderNumberStatus;
  reason?: string;
}
/** `GET <base>/orders/<orderId>`. */
export interface OrderState {
  orderId: string;
  status: OrderStatus;
  results: OrderNumberResult[];
}

/** `POST <base>/releases`: released numbers go aging, then available after the aging period. */
export interface ReleaseRequest {
  numbers: string[];
}
export interface ReleaseResponse {
  results: NumberOutcome[];
}

/** Every error body: JSON with a proper HTTP status (400, 404, 409, 503, ...). */
export interface ApiErrorBody {
  error: { code: string; message: string };
}

/** Latency of a simulated provider: uniform between min and max, or log-normal-ish from p50/p99. */
export type LatencySpec = { min: number; max: number } | { p50: number; p99: number };

/**
 * `PUT|GET <simulator>/admin/providers/<id>/behaviour` (and `setBehaviour` in-process). Every
 * field is optional on PUT; GET returns the full current behaviour.
 */
export interface ProviderBehaviour {
  latencyMs: LatencySpec;
  /** Share of calls answered 503, 0..1. */
  errorRate: number;
  batchLimit: number;
  pageCap: number;
  /** When true every call fails (503) as if the provider were unreachable. */
  down: boolean;
  /** Share of order calls (POST orders) that place the order and then close the connection without a reply, 0..1. */
  lostReplyRate: number;
  /** Milliseconds an accepted order stays accepted before it completes (0: the simulator's usual short delay). */
  acceptedButSlow: number;
  /** When true the provider answers 404 for orders it holds (GET orders/<id>), as if it had lost them. */
  forgetOrders: boolean;
}
export type BehaviourPatch = Partial<ProviderBehaviour>;

/** Bounds the simulator enforces on any request (400 beyond them). */
export const API_LIMITS = {
  /** Largest request body in bytes. */
  maxBodyBytes: 256 * 1024,
  /** Most numbers in one reservation, order or release. */
  maxNumbersPerMutation: 100,
  /** Longest reservation hold. */
  maxTtlSeconds: 3600,
  /** Longest search pattern or reference. */
  maxStringLength: 64,
} as const;

/** One SIP trunk of a number's voice route, in failover order. */
export interface RoutingTrunk {
  uri: string;
  transport: 'udp' | 'tcp' | 'tls';
  priority: number;
  weight: number;
}

/**
 * `PUT|GET|DELETE numbers/<e164>/routing?reference=<ordering reference>`: where a number's
 * calls and messages go. Only the reference that ordered the number may read or change it;
 * anyone else gets 403 `not_yours`.
 */
export interface RoutingRequest {
  voice: { trunks: RoutingTrunk[] } | null;
  messaging: { endpoint: string } | null;
}

export interface RoutingState extends RoutingRequest {
  e164: string;
  updatedAt: string;
}

/**
 * One document a provider publishes about the legality of its stock (`GET <base>/documents`):
 * its wholesale agreement with a source (another provider, or the carrier it buys from), or a
 * carrier's allocation record of a range it sells from.
 */
export interface ComplianceDocument {
  /** Stable within the publishing provider. */
  id: string;
  kind: 'wholesale_agreement' | 'allocation_record';
  /** For an agreement: the other party, `provider:<id>` or `carrier:<id>`; null for an allocation record. */
  counterparty: string | null;
  /** For an allocation record: the carrier the range is allocated to, and the range (E.164 digits without `+`). */
  carrierId: string | null;
  rangePrefix: string | null;
  /** As of the provider's clock: expired once `expiresOn` has passed. */
  status: 'valid' | 'expired' | 'rejected';
  /** ISO dates. */
  issuedOn: string;
  expiresOn: string | null;
}

/** `GET <base>/documents?cursor=&limit=`: the provider's documents in id order, from the cursor on. */
export interface DocumentsPage {
  items: ComplianceDocument[];
  /** Ask with this for the next page; null at the end. */
  nextCursor: string | null;
}

/** The three ways providers publish their compliance requirements (set per provider by the generator). */
export type ComplianceShape = 'bundles' | 'requirement_groups' | 'addresses';

/** An end user's data as a registration carries it to a provider (the same body for every shape). */
export interface RegistrationRequest {
  /** The aggregator's reference of the end user; orders carry it as `endUserRef`. */
  endUserRef: string;
  country: string;
  numberType: string;
  endUser: { type: 'individual' | 'business'; name: string };
  address: { country: string; locality: string | null } | null;
  documents: { type: RegistrationDocumentType; sha256: string; size: number }[];
}
export type RegistrationDocumentType = 'identity' | 'proof_of_address' | 'entity_registration' | 'declaration_of_use' | 'numbering_use_plan';

export type RegistrationStatus = 'draft' | 'pending' | 'approved' | 'rejected' | 'expired';
/** `POST <base>/registrations` (201), `GET <base>/registrations?endUserRef=`. */
export interface Registration {
  id: string;
  endUserRef: string;
  country: string;
  numberType: string;
  status: RegistrationStatus;
  /** Why it was rejected (a code), or what a draft misses. */
  reason: string | null;
  /** What the evaluation found missing, in the provider's own words. */
  missing: string[];
  /** ISO 8601; set once approved. */
  expiresAt: string | null;
}
export interface RegistrationList {
  registrations: Registration[];
}
/** `POST <base>/registrations/evaluate`: a dry run. */
export interface EvaluationResult {
  missing: string[];
}
