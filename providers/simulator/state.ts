/** The simulated providers' in-memory state: number lifecycles, listings and feeds, reservations, orders and aging on a movable clock. */
import { randomUUID, createHash } from 'node:crypto';
import { getCountryCallingCode, type CountryCode } from 'libphonenumber-js/max';
import type {
  FeedItem,
  InventoryPage,
  NumberOutcome,
  NumberStatus,
  OrderNumberResult,
  OrderState,
  ProviderBehaviour,
  ReleaseResponse,
  ReserveResponse,
  SearchHit,
  SearchRequest,
  SearchResponse,
  StatusResult,
} from '../api.js';
import type { World, WorldNumber, WorldOffer, WorldProvider } from '../generator/world.js';
import { ApiError, badRequest } from './errors.js';
import { pushTo } from '../../platform/group.js';

/**
 * The simulated providers' state in memory: one lifecycle per physical number (whoever offers
 * it), each provider's listings and change log (its inventory feed), reservations, orders and
 * their idempotency keys, aging after release. Time comes from `clock`, so tests can move it.
 * Node runs one request handler at a time, so each operation below is atomic: of two orders
 * for one number, exactly one claims it.
 */
interface NumberState {
  number: WorldNumber;
  national: string;
  status: NumberStatus;
  /** Who holds a reservation ('external' for holds made outside the aggregator). */
  heldBy: string | null;
  holdExpiresAt: number | null;
  /** The order that claimed it and waits to complete. */
  pendingOrder: string | null;
  /** The reference that ordered it through the API; null when assigned to someone else. */
  assignedTo: string | null;
  agingUntil: number | null;
}

interface ChangeEntry {
  seq: number;
  e164: string;
  at: number;
}

interface Order {
  orderId: string;
  /** When it completes, by the simulator's clock (which an admin may move). */
  completesAt: number;
  reference: string;
  bodyHash: string;
  status: OrderState['status'];
  results: (OrderNumberResult & { claimed: boolean; awaiting?: string })[];
  /** For an order with an end user: how a registration pending review was decided (compliance.ts). */
  decided?: (registration: string) => 'pending' | 'approved' | 'rejected';
}

/** An order carrying an end user's reference: each number through the provider's compliance gate (compliance.ts). */
export interface EndUserGate {
  endUserRef: string;
  check(country: string, numberType: string): { ok: true } | { ok: false; wait: true; registration: string } | { ok: false; wait: false; reason: string };
  decided(registration: string): 'pending' | 'approved' | 'rejected';
}

export interface ProviderState {
  provider: WorldProvider;
  behaviour: ProviderBehaviour;
  offers: Map<string, WorldOffer>;
  removed: Set<string>;
  log: ChangeEntry[];
  latest: Map<string, number>;
  orders: Map<string, Order>;
  idempotency: Map<string, string>;
  /**
   * What search reads: the provider's listings by country and by country and number type
   * (`listingKey`), each in order of national number, so a search pattern's prefix is a range
   * found by binary search and a search costs about the numbers it returns, not the provider's
   * whole stock (at scale 100 a split search made 21 calls each scanning every offer).
   */
  listings: Map<string, NumberState[]>;
}

export interface StateOptions {
  clock: () => number;
  /** Quarantine after release before a number is offered again. */
  agingMs: number;
  /** How long an accepted order waits before it completes (per number: completed or failed). */
  orderDelayMs: number;
  /** Adds no latency: for tests that do not measure the client. */
  instant: boolean;
}

export class SimulatorState {
  readonly providers = new Map<string, ProviderState>();
  private readonly numbers = new Map<string, NumberState>();
  private readonly offeredBy = new Map<string, ProviderState[]>();
  private readonly deadlines = new Map<string, number>();
  private nextDeadline = Number.POSITIVE_INFINITY;
  private seq = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Accepted orders not completed yet. */
  private readonly slow = new Set<Order>();

  constructor(
    readonly world: World,
    private readonly options: StateOptions,
  ) {
    const now = options.clock();
    const callingCodes = new Map<string, string>();
    for (const number of world.numbers) {
      const code = callingCodes.get(number.country) ?? getCountryCallingCode(number.country as CountryCode);
      callingCodes.set(number.country, code);
      const held = number.status === 'reserved';
      const state: NumberState = {
        number,
        national: number.e164.slice(1 + code.length),
        status: number.status,
        heldBy: held ? 'external' : null,
        holdExpiresAt: null,
        pendingOrder: null,
        assignedTo: null,
        agingUntil: number.status === 'aging' ? now + options.agingMs : null,
      };
      this.numbers.set(number.e164, state);
      if (state.agingUntil !== null) this.setDeadline(number.e164, state.agingUntil);
    }
    for (const provider of world.providers) {
      this.providers.set(provider.id, {
        provider,
        behaviour: {
          latencyMs: options.instant ? { min: 0, max: 0 } : provider.latencyMs,
          errorRate: 0,
          batchLimit: provider.batchLimit,
          pageCap: provider.pageCap,
          down: false,
          lostReplyRate: 0,
          acceptedButSlow: 0,
          forgetOrders: false,
        },
        offers: new Map(),
        removed: new Set(),
        log: [],
        latest: new Map(),
        orders: new Map(),
        idempotency: new Map(),
        listings: new Map(),
      });
    }
    for (const offer of world.offers) {
      const p = this.providers.get(offer.providerId)!;
      p.offers.set(offer.e164, offer);
      const offering = this.offeredBy.get(offer.e164);
      if (offering) offering.push(p);
      else this.offeredBy.set(offer.e164, [p]);
      this.append(p, offer.e164, now);
    }
    for (const p of this.providers.values()) {
      for (const e164 of p.offers.keys()) {
        const n = this.numbers.get(e164)!;
        pushTo(p.listings, listingKey(n.number.country, null), n);
        pushTo(p.listings, listingKey(n.number.country, n.number.numberType), n);
      }
      for (const listing of p.listings.values()) listing.sort((a, b) => compare(a.national, b.national));
    }
  }

  provider(id: string): ProviderState {
    const p = this.providers.get(id);
    if (!p) throw new ApiError(404, 'unknown_provider', `no provider "${id}"`);
    return p;
  }

  /** Applies what time has done: expired reservations and ended aging make numbers available. */
  sweep(): void {
    this.completeDue();
    const now = this.options.clock();
    if (now < this.nextDeadline) return;
    let next = Number.POSITIVE_INFINITY;
    for (const [e164, deadline] of this.deadlines) {
      if (deadline > now) {
        next = Math.min(next, deadline);
        continue;
      }
      this.deadlines.delete(e164);
      const n = this.numbers.get(e164)!;
      if (n.status === 'reserved' && n.holdExpiresAt !== null && n.holdExpiresAt <= now && n.pendingOrder === null) {
        this.setStatus(n, 'available');
      } else if (n.status === 'aging' && n.agingUntil !== null && n.agingUntil <= now) {
        this.setStatus(n, 'available');
      }
    }
    this.nextDeadline = next;
  }

  // --- reads -------------------------------------------------------------------------------

  inventory(p: ProviderState, cursor: string | undefined, limit: number): InventoryPage {
    const after = cursor === undefined ? 0 : decodeCursor(cursor);
    let index = firstAfter(p.log, after);
    const items: FeedItem[] = [];
    let last = after;
    while (index < p.log.length && items.length < limit) {
      const entry = p.log[index++]!;
      last = entry.seq;
      if (p.latest.get(entry.e164) !== entry.seq) continue; // superseded by a later change
      items.push(this.feedItem(p, entry));
    }
    while (index < p.log.length && p.latest.get(p.log[index]!.e164) !== p.log[index]!.seq) last = p.log[index++]!.seq;
    return { items, nextCursor: encodeCursor(last), hasMore: index < p.log.length };
  }

  search(p: ProviderState, request: SearchRequest): SearchResponse {
    const limit = Math.min(request.limit ?? p.behaviour.pageCap, p.behaviour.pageCap);
    const region = request.region?.toLowerCase();
    const hits: SearchHit[] = [];
    let truncated = false;
    // numbers in order of national number: those starting with the pattern are one range
    const listing = p.listings.get(listingKey(request.country, request.numberType ?? null)) ?? [];
    const prefix = request.startsWith ?? '';
    for (let i = firstAtLeast(listing, prefix); i < listing.length; i++) {
      const n = listing[i]!;
      if (!n.national.startsWith(prefix)) break;
      const w = n.number;
      if (n.status !== 'available' || p.removed.has(w.e164)) continue;
      if (request.contains && !n.national.includes(request.contains)) continue;
      if (request.endsWith && !n.national.endsWith(request.endsWith)) continue;
      if (region && !w.region?.toLowerCase().includes(region)) continue;
      if (request.areaCode && w.areaCode !== request.areaCode) continue;
      if (request.capabilities && !request.capabilities.every((c) => w.capabilities.includes(c))) continue;
      if (hits.length === limit) {
        truncated = true;
        break;
      }
      const { removed: _removed, changedAt: _changedAt, ...hit } = this.feedItem(p, { seq: 0, e164: w.e164, at: 0 });
      hits.push(hit);
    }
    return { numbers: hits, truncated };
  }

  status(p: ProviderState, numbers: string[]): StatusResult[] {
    return numbers.map((e164) => {
      const offer = p.removed.has(e164) ? undefined : p.offers.get(e164);
      if (!offer) return { e164, found: false };
      const n = this.numbers.get(e164)!;
      return { e164, found: true, status: n.status, available: n.status === 'available', setupPrice: offer.setupPrice, monthlyPrice: offer.monthlyPrice };
    });
  }

  // --- writes ------------------------------------------------------------------------------

  reserve(p: ProviderState, numbers: string[], ttlSeconds: number, reference: string): ReserveResponse {
    const expiresAt = this.options.clock() + ttlSeconds * 1000;
    const results: NumberOutcome[] = numbers.map((e164) => {
      const n = this.listed(p, e164);
      if (!n) return { e164, ok: false, reason: 'not_found' };
      const mine = n.status === 'reserved' && n.heldBy === reference && n.pendingOrder === null;
      if (n.status !== 'available' && !mine) return { e164, ok: false, reason: `not_available: ${n.status}` };
      n.heldBy = reference;
      n.holdExpiresAt = expiresAt;
      this.setDeadline(e164, expiresAt);
      this.setStatus(n, 'reserved');
      return { e164, ok: true };
    });
    return { reservationId: randomUUID(), expiresAt: new Date(expiresAt).toISOString(), results };
  }

  /** Accepts an order (or returns the one placed with this key); numbers are claimed now, completed later. */
  order(p: ProviderState, key: string, numbers: string[], reference: string, endUser?: EndUserGate): { orderId: string; replay: boolean } {
    const bodyHash = createHash('sha256').update(JSON.stringify(endUser ? [numbers, reference, endUser.endUserRef] : [numbers, reference])).digest('hex');
    const existing = p.idempotency.get(key);
    if (existing) {
      if (p.orders.get(existing)!.bodyHash !== bodyHash) {
        throw new ApiError(409, 'idempotency_key_reused', `Idempotency-Key "${key}" was used for another order body`);
      }
      return { orderId: existing, replay: true };
    }
    const orderId = randomUUID();
    const results = numbers.map((e164) => {
      const n = this.listed(p, e164);
      if (!n) return { e164, status: 'pending' as const, reason: 'not_found', claimed: false };
      const mine = n.status === 'reserved' && n.heldBy === reference && n.pendingOrder === null;
      if (n.status !== 'available' && !mine) return { e164, status: 'pending' as const, reason: `not_available: ${n.status}`, claimed: false };
      const gate = endUser?.check(n.number.country, n.number.numberType) ?? { ok: true as const };
      if (!gate.ok && !gate.wait) return { e164, status: 'pending' as const, reason: gate.reason, claimed: false };
      n.pendingOrder = orderId;
      n.heldBy = reference;
      n.holdExpiresAt = null;
      this.setStatus(n, 'reserved');
      // held until the provider reviews the end user's registration
      if (!gate.ok) return { e164, status: 'pending' as const, reason: 'requirement_info_pending', claimed: true, awaiting: gate.registration };
      return { e164, status: 'pending' as const, claimed: true };
    });
    const delay = p.behaviour.acceptedButSlow > 0 ? p.behaviour.acceptedButSlow : this.options.orderDelayMs;
    p.orders.set(orderId, { orderId, reference, bodyHash, status: 'accepted', results, completesAt: this.options.clock() + delay, ...(endUser && { decided: (id: string) => endUser.decided(id) }) });
    p.idempotency.set(key, orderId);
    const order = p.orders.get(orderId)!;
    this.slow.add(order);
    // completes after the delay in real time, or earlier when the clock is moved past it
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.slow.delete(order)) this.completeOrder(order);
    }, delay);
    this.timers.add(timer);
    return { orderId, replay: false };
  }

  getOrder(p: ProviderState, orderId: string): OrderState {
    this.completeDue();
    const order = p.behaviour.forgetOrders ? undefined : p.orders.get(orderId);
    if (!order) throw new ApiError(404, 'unknown_order', `no order "${orderId}" at ${p.provider.id}`);
    return {
      orderId,
      status: order.status,
      results: order.results.map(({ e164, status, reason }) => (reason !== undefined && (status === 'failed' || reason === 'requirement_info_pending') ? { e164, status, reason } : { e164, status })),
    };
  }

  release(p: ProviderState, numbers: string[]): ReleaseResponse {
    const now = this.options.clock();
    return {
      results: numbers.map((e164) => {
        const n = this.listed(p, e164);
        if (!n) return { e164, ok: false, reason: 'not_found' };
        if (n.status === 'assigned' && n.assignedTo !== null) {
          n.assignedTo = null;
          n.agingUntil = now + this.options.agingMs;
          this.setDeadline(e164, n.agingUntil);
          this.setStatus(n, 'aging');
          return { e164, ok: true };
        }
        if (n.status === 'reserved' && n.heldBy !== 'external' && n.pendingOrder === null) {
          n.heldBy = null;
          n.holdExpiresAt = null;
          this.setStatus(n, 'available');
          return { e164, ok: true };
        }
        return { e164, ok: false, reason: `not_releasable: ${n.status}` };
      }),
    };
  }

  /** The reference a number listed by this provider is assigned to through the API; null when none (or not listed). */
  assignedReference(p: ProviderState, e164: string): string | null {
    const n = this.listed(p, e164);
    return n && n.status === 'assigned' ? n.assignedTo : null;
  }

  /** The provider stops listing these numbers: its feed reports them removed. */
  withdraw(p: ProviderState, numbers: string[]): number {
    let count = 0;
    for (const e164 of numbers) {
      if (!p.offers.has(e164) || p.removed.has(e164)) continue;
      p.removed.add(e164);
      this.append(p, e164, this.options.clock());
      count++;
    }
    return count;
  }

  /**
   * Drift for benchmarks and tests: changes exactly `Math.round(fraction * listed offers)`
   * listed offers at once, as the market would over time. Numbers picked at random (`random`
   * in [0, 1)) flip between available and held elsewhere (an external reservation, no expiry),
   * which changes every listing of the number; a number is taken only while its listings fit
   * in what is left to change. Returns the offers and numbers changed.
   */
  drift(fraction: number, random: () => number): { offersChanged: number; numbersChanged: number } {
    const listings = (e164: string) => (this.offeredBy.get(e164) ?? []).filter((p) => !p.removed.has(e164)).length;
    let listed = 0;
    const candidates: NumberState[] = [];
    for (const n of this.numbers.values()) {
      const count = listings(n.number.e164);
      listed += count;
      const free = n.pendingOrder === null && (n.status === 'available' || (n.status === 'reserved' && n.heldBy === 'external'));
      if (free && count > 0) candidates.push(n);
    }
    let left = Math.round(fraction * listed);
    let offersChanged = 0;
    let numbersChanged = 0;
    // a partial Fisher-Yates shuffle: each candidate at most once, in random order
    for (let i = 0; i < candidates.length && left > 0; i++) {
      const j = i + Math.floor(random() * (candidates.length - i));
      [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
      const n = candidates[i]!;
      const count = listings(n.number.e164);
      if (count > left) continue;
      if (n.status === 'available') {
        n.heldBy = 'external';
        this.setStatus(n, 'reserved');
      } else this.setStatus(n, 'available');
      left -= count;
      offersChanged += count;
      numbersChanged += 1;
    }
    return { offersChanged, numbersChanged };
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  // --- internals ---------------------------------------------------------------------------

  /** Completes the accepted orders whose time has come by the clock. */
  private completeDue(): void {
    const now = this.options.clock();
    // a snapshot: an order held for a review goes back into the set
    for (const order of [...this.slow]) {
      if (order.completesAt > now) continue;
      this.slow.delete(order);
      this.completeOrder(order);
    }
  }

  private completeOrder(order: Order): void {
    for (const result of order.results) {
      if (result.status !== 'pending') continue;
      if (!result.claimed) {
        result.status = 'failed';
        continue;
      }
      if (result.awaiting !== undefined) {
        const decision = order.decided?.(result.awaiting) ?? 'approved';
        if (decision === 'pending') continue; // still held: asked again at the next look
        if (decision === 'rejected') {
          const n = this.numbers.get(result.e164)!;
          n.pendingOrder = null;
          n.heldBy = null;
          this.setStatus(n, 'available');
          result.status = 'failed';
          result.reason = 'requirements_not_met: registration rejected';
          continue;
        }
        delete result.reason;
      }
      const n = this.numbers.get(result.e164)!;
      n.pendingOrder = null;
      n.heldBy = null;
      n.assignedTo = order.reference;
      this.setStatus(n, 'assigned');
      result.status = 'completed';
    }
    if (order.results.some((r) => r.status === 'pending')) {
      this.slow.add(order); // a number held for a review: settled when a later look finds it decided
      return;
    }
    const completed = order.results.filter((r) => r.status === 'completed').length;
    order.status = completed === order.results.length ? 'completed' : completed === 0 ? 'failed' : 'partial';
  }

  /** The number if this provider lists it (after applying expiries). */
  private listed(p: ProviderState, e164: string): NumberState | null {
    if (!p.offers.has(e164) || p.removed.has(e164)) return null;
    return this.numbers.get(e164) ?? null;
  }

  private setStatus(n: NumberState, status: NumberStatus): void {
    if (status !== 'reserved') {
      n.holdExpiresAt = null;
      if (status !== 'assigned') n.heldBy = null;
    }
    if (status !== 'aging') n.agingUntil = null;
    n.status = status;
    const now = this.options.clock();
    for (const p of this.offeredBy.get(n.number.e164) ?? []) {
      if (!p.removed.has(n.number.e164)) this.append(p, n.number.e164, now);
    }
  }

  private append(p: ProviderState, e164: string, at: number): void {
    const seq = ++this.seq;
    p.log.push({ seq, e164, at });
    p.latest.set(e164, seq);
  }

  private setDeadline(e164: string, at: number): void {
    this.deadlines.set(e164, at);
    this.nextDeadline = Math.min(this.nextDeadline, at);
  }

  private feedItem(p: ProviderState, entry: ChangeEntry): FeedItem {
    const offer = p.offers.get(entry.e164)!;
    const n = this.numbers.get(entry.e164)!;
    const w = n.number;
    return {
      e164: w.e164,
      country: w.country,
      numberType: w.numberType,
      region: w.region,
      areaCode: w.areaCode,
      capabilities: w.capabilities,
      source: offer.source,
      setupPrice: offer.setupPrice,
      monthlyPrice: offer.monthlyPrice,
      status: n.status,
      changedAt: new Date(entry.at).toISOString(),
      removed: p.removed.has(entry.e164),
    };
  }
}

/** A provider's listing of a country (numberType null) or of one market of it. */
const listingKey = (country: string, numberType: string | null) => (numberType === null ? country : `${country}:${numberType}`);

/** Code-point order, as national numbers (digits) sort. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The first index of a listing (in national-number order) whose national number is not below `national`. */
function firstAtLeast(listing: NumberState[], national: string): number {
  let lo = 0;
  let hi = listing.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (listing[mid]!.national < national) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose seq is greater than `after` (the log is in seq order). */
function firstAfter(log: ChangeEntry[], after: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (log[mid]!.seq <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function encodeCursor(seq: number): string {
  return Buffer.from(`v1:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = cursor.length <= 32 ? /^v1:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString()) : null;
  if (!match) throw badRequest(`cursor "${cursor.slice(0, 40)}" is not a cursor this feed returned`, 'bad_cursor');
  return Number(match[1]);
}
