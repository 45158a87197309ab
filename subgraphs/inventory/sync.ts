import type { Kysely } from 'kysely';
import { NUMBER_STATUSES } from '../../providers/api.js';
import type { Logger } from '../shared/logger.js';
import { stockHolder, type ChainOffer } from './chain.js';
import { recoverInterruptedOrders } from './orders.js';
import * as repo from './repository.js';
import type { InventoryTables, LifecycleStatus, NumberRow, OfferRow } from './tables.js';
import type { Upstream } from './upstream.js';

type Db = Kysely<InventoryTables>;

export interface SyncReport {
  providers: number;
  /** Feed items read (new, changed or removed offers). */
  items: number;
  numbersAdded: number;
  numbersChanged: number;
  numbersWithdrawn: number;
  reservationsExpired: number;
  /** Orders a stopped process had left pending, finished now. */
  ordersRecovered: number;
  /** Providers whose feed could not be read this time (their cursor stays where it was). */
  failed: string[];
}

/** Feed pages read from one provider in one sync at most: a runaway feed cannot hold the sync forever. */
const MAX_PAGES_PER_PROVIDER = 10_000;
const RECONCILE_CHUNK = 1_000;
/** A pending order older than this was left by a process that stopped (placing one takes a couple of minutes at most). */
const ORDER_RECOVERY_AFTER_MS = 10 * 60_000;

/**
 * Reads every provider's feed from its stored cursor (only what changed since the last sync),
 * upserts offers, records when they were last confirmed, marks withdrawn ones, then brings the
 * numbers they touch up to date (holder, status, history). A provider that fails is skipped and
 * retried next time; the others are synced all the same.
 */
export async function syncCatalogue(db: Db, upstream: Upstream, logger: Logger): Promise<SyncReport> {
  const report: SyncReport = { providers: 0, items: 0, numbersAdded: 0, numbersChanged: 0, numbersWithdrawn: 0, reservationsExpired: 0, ordersRecovered: 0, failed: [] };
  const entries = await upstream.directory();
  logger.info({ providers: entries.length }, 'sync: reading provider feeds');
  const touched = new Set<string>();
  // A provider the directory no longer lists (contract ended): its offers are withdrawn. An empty
  // directory is more likely a fault than the end of every contract, and withdraws nothing.
  if (entries.length > 0) {
    const ended = await repo.withdrawProvidersNotIn(db, entries.map((e) => e.id), new Date());
    for (const e164 of ended) touched.add(e164);
    if (ended.length > 0) logger.info({ offers: ended.length }, 'sync: offers of providers no longer in the directory withdrawn');
  }
  for (const [index, entry] of entries.entries()) {
    const api = upstream.provider(entry.id);
    if (!api) continue;
    try {
      const startedAt = new Date();
      const stored = await db.selectFrom('providers').select(['feed_cursor', 'base_url']).where('id', '=', entry.id).executeTakeFirst();
      // A cursor is only good at the address that issued it: a provider at a new address (a
      // simulator restarted elsewhere, a migrated API) is read from the start.
      let cursor = stored && stored.base_url === entry.baseUrl ? stored.feed_cursor : null;
      const fullRead = cursor === null;
      const profile = await api.profile();
      await repo.upsertProvider(db, {
        id: entry.id,
        name: profile.name,
        base_url: entry.baseUrl,
        carrier_id: profile.carrierId,
        batch_limit: profile.batchLimit,
        page_cap: profile.pageCap,
      });
      let items = 0;
      for (let pages = 0; pages < MAX_PAGES_PER_PROVIDER; pages++) {
        const page = await api.inventoryPage({ ...(cursor ? { cursor } : {}), limit: profile.pageCap });
        await repo.applyFeedPage(db, entry.id, page.items, page.nextCursor, new Date());
        for (const item of page.items) touched.add(item.e164);
        items += page.items.length;
        cursor = page.nextCursor;
        if (!page.hasMore) break;
        if ((pages + 1) % 20 === 0) logger.info({ provider: entry.id, pages: pages + 1, items }, 'sync: reading a long feed');
      }
      // Read from the start, the feed listed everything the provider offers: what it did not list is withdrawn.
      if (fullRead) for (const e164 of await repo.withdrawUnconfirmed(db, entry.id, startedAt)) touched.add(e164);
      await repo.confirmProviderOffers(db, entry.id, new Date());
      report.providers += 1;
      report.items += items;
      logger.info({ provider: entry.id, items, progress: `${index + 1}/${entries.length}` }, 'sync: provider feed read');
    } catch (error) {
      report.failed.push(entry.id);
      logger.warn({ provider: entry.id, err: error, progress: `${index + 1}/${entries.length}` }, 'sync: provider feed failed; retried at the next sync');
    }
  }
  const numbers = [...touched].sort();
  for (let i = 0; i < numbers.length; i += RECONCILE_CHUNK) {
    await reconcileNumbers(db, numbers.slice(i, i + RECONCILE_CHUNK), report);
    if (numbers.length > RECONCILE_CHUNK) logger.info({ done: Math.min(i + RECONCILE_CHUNK, numbers.length), of: numbers.length }, 'sync: numbers reconciled');
  }
  report.reservationsExpired = await expireReservations(db);
  report.ordersRecovered = await recoverInterruptedOrders(db, upstream, ORDER_RECOVERY_AFTER_MS);
  logger.info({ ...report }, 'sync: done');
  return report;
}

function lifecycleStatus(providerStatus: string): LifecycleStatus {
  return (NUMBER_STATUSES as readonly string[]).includes(providerStatus) ? (providerStatus as LifecycleStatus) : 'available';
}

/** Holder and status of numbers whose offers changed, from the offers that are still on sale. */
async function reconcileNumbers(db: Db, e164s: string[], report: SyncReport): Promise<void> {
  const offers = await repo.findOffersByNumbers(db, e164s);
  const carriers = new Map((await repo.allProviders(db)).map((p) => [p.id, p.carrier_id]));
  const existing = new Map((await repo.findNumbersByE164(db, e164s)).map((row) => [row.e164, row]));
  const onSale = new Map<string, Map<string, OfferRow>>();
  for (const offer of offers) {
    if (offer.removed_at !== null) continue;
    const byProvider = onSale.get(offer.e164) ?? new Map<string, OfferRow>();
    byProvider.set(offer.provider_id, offer);
    onSale.set(offer.e164, byProvider);
  }
  const inserts: Omit<NumberRow, 'updated_at'>[] = [];
  const events: repo.NewEvent[] = [];
  for (const e164 of e164s) {
    const current = onSale.get(e164);
    const row = existing.get(e164);
    if (!current || current.size === 0) {
      // Withdrawn by every provider; a tenant's number stays catalogued for it.
      if (row && row.removed_at === null && row.tenant === null) {
        await db.updateTable('numbers').set({ removed_at: new Date(), updated_at: new Date() }).where('e164', '=', e164).execute();
        report.numbersWithdrawn += 1;
      }
      continue;
    }
    const holder = stockHolder(current as Map<string, ChainOffer>, (id) => carriers.get(id) ?? null)!;
    const holderOffer = current.get(holder)!;
    const status = lifecycleStatus(holderOffer.provider_status);
    if (!row) {
      inserts.push({
        e164,
        country: holderOffer.country,
        number_type: holderOffer.number_type,
        holder_provider_id: holder,
        status,
        tenant: null,
        reserved_until: null,
        order_id: null,
        assigned_via_provider_id: null,
        removed_at: null,
      });
      events.push({ e164, from_status: null, to_status: status, actor: 'sync', reason: `catalogued from ${holder}'s feed`, tenant: null });
      report.numbersAdded += 1;
      continue;
    }
    // A tenant's reservation or assignment is ours to change, not the feed's: only the stock holder follows it.
    const ownStatus = row.tenant === null;
    const changes = {
      ...(row.holder_provider_id !== holder ? { holder_provider_id: holder } : {}),
      ...(ownStatus && row.status !== status ? { status } : {}),
      ...(row.removed_at !== null ? { removed_at: null } : {}),
    };
    if (Object.keys(changes).length === 0) continue;
    await db.updateTable('numbers').set({ ...changes, updated_at: new Date() }).where('e164', '=', e164).execute();
    if ('status' in changes) events.push({ e164, from_status: row.status, to_status: status, actor: 'sync', reason: `${holder} reports ${status}`, tenant: null });
    report.numbersChanged += 1;
  }
  await repo.insertNumbers(db, inserts);
  await repo.insertEvents(db, events);
}

/** Reservations past their time go back to stock, each with its transition recorded. */
export async function expireReservations(db: Db): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const expired = await tx
      .selectFrom('numbers')
      .select(['e164', 'tenant'])
      .where('status', '=', 'reserved')
      .where('reserved_until', '<=', new Date())
      .forUpdate()
      .execute();
    if (expired.length === 0) return 0;
    await tx
      .updateTable('numbers')
      .set({ status: 'available', tenant: null, reserved_until: null, updated_at: new Date() })
      .where('e164', 'in', expired.map((r) => r.e164))
      .execute();
    await repo.insertEvents(tx, expired.map((r) => ({ e164: r.e164, from_status: 'reserved', to_status: 'available', actor: 'expiry', reason: 'reservation expired', tenant: r.tenant })));
    return expired.length;
  });
}

/**
 * Syncs now, then every `intervalSeconds` (0: never again), one run at a time. Resolves after
 * the first sync; `stop` waits for a run in progress.
 */
export async function startSyncSchedule(db: Db, upstream: Upstream, logger: Logger, intervalSeconds: number): Promise<{ first: SyncReport; stop(): Promise<void> }> {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => syncCatalogue(db, upstream, logger);
  const first = await run();
  let timer: NodeJS.Timeout | null = null;
  if (intervalSeconds > 0) {
    let busy = false;
    timer = setInterval(() => {
      if (busy) return; // the previous run is still going: skip this tick rather than queue
      busy = true;
      running = run()
        .catch((error: unknown) => logger.error({ err: error }, 'sync: failed'))
        .finally(() => (busy = false));
    }, intervalSeconds * 1000);
    timer.unref();
  }
  return {
    first,
    stop: async () => {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
