/** The catalogue sync: each provider's feed from its cursor into offers, withdrawals, numbers' holder and status; expiry of reservations. */
import { sql, type Kysely } from 'kysely';
import { NUMBER_STATUSES } from '../../../providers/api.js';
import type { Logger } from '../../../platform/logger.js';
import { stockHolder, type ChainOffer } from '../domain/chain.js';
import { numberEvent, writeEvents, type NewEvent } from '../store/outbox.js';
import * as repo from '../store/repository.js';
import type { InventoryTables, LifecycleStatus, OfferRow } from '../tables.js';
import type { Upstream } from '../upstream/upstream.js';

type Db = Kysely<InventoryTables>;

export interface SyncReport {
  providers: number;
  /** Feed items read (new, changed or removed offers). */
  items: number;
  numbersAdded: number;
  numbersChanged: number;
  numbersWithdrawn: number;
  reservationsExpired: number;
  /** Providers another instance was syncing (skipped here). */
  skipped: string[];
  /** Providers whose feed could not be read this time (their cursor stays where it was). */
  failed: string[];
}

/** Feed pages read from one provider in one sync at most: a runaway feed cannot hold the sync forever. */
const MAX_PAGES_PER_PROVIDER = 10_000;
const RECONCILE_CHUNK = 1_000;

export interface SyncOptions {
  /**
   * The database is shared with other instances (Postgres): each provider is synced under a
   * session advisory lock, by one instance at a time; the others skip it this time. (PGlite is
   * one process's database, and its single connection could not hold a lock beside the work.)
   */
  shared?: boolean;
}

/** Runs `work` holding the advisory lock named `name` on a connection of its own; null (not run) when another session holds it. */
async function withSessionLock<T>(db: Db, name: string, work: () => Promise<T>): Promise<T | null> {
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(hashtext(${name})) as locked`.execute(conn);
    if (!rows[0]?.locked) return null;
    try {
      return await work();
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${name}))`.execute(conn);
    }
  });
}

/**
 * Reads every provider's feed from its stored cursor (only what changed since the last sync),
 * upserts offers, records when they were last confirmed, marks withdrawn ones, then brings the
 * numbers they touch up to date (holder, status, history). A provider that fails is skipped and
 * retried next time; the others are synced all the same.
 */
export async function syncCatalogue(db: Db, upstream: Upstream, logger: Logger, options: SyncOptions = {}): Promise<SyncReport> {
  const report: SyncReport = { providers: 0, items: 0, numbersAdded: 0, numbersChanged: 0, numbersWithdrawn: 0, reservationsExpired: 0, skipped: [], failed: [] };
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
    const readFeed = async () => {
      const startedAt = new Date();
      const stored = await db.selectFrom('providers').select(['feed_cursor', 'base_url', 'full_read_since']).where('id', '=', entry.id).executeTakeFirst();
      // A cursor is only good at the address that issued it: a provider at a new address (a
      // simulator restarted elsewhere, a migrated API) is read from the start.
      let cursor = stored && stored.base_url === entry.baseUrl ? stored.feed_cursor : null;
      // A read from the start may span syncs (one failed midway resumes from its cursor): what it
      // did not list is withdrawn when it reaches the feed's end, against when it began.
      const fullReadSince = cursor === null ? startedAt : stored?.full_read_since ? new Date(stored.full_read_since) : null;
      const profile = await api.profile();
      await repo.upsertProvider(db, {
        id: entry.id,
        name: profile.name,
        base_url: entry.baseUrl,
        carrier_id: profile.carrierId,
        batch_limit: profile.batchLimit,
        page_cap: profile.pageCap,
      });
      if (cursor === null) await repo.startFullRead(db, entry.id, startedAt);
      let items = 0;
      let reachedEnd = false;
      for (let pages = 0; pages < MAX_PAGES_PER_PROVIDER; pages++) {
        const page = await api.inventoryPage({ ...(cursor ? { cursor } : {}), limit: profile.pageCap });
        await repo.applyFeedPage(db, entry.id, page.items, page.nextCursor, new Date());
        for (const item of page.items) touched.add(item.e164);
        items += page.items.length;
        cursor = page.nextCursor;
        if (!page.hasMore) {
          reachedEnd = true;
          break;
        }
        if ((pages + 1) % 20 === 0) logger.info({ provider: entry.id, pages: pages + 1, items }, 'sync: reading a long feed');
      }
      // Read from the start to its end, the feed listed everything the provider offers: what it did not list is withdrawn.
      if (fullReadSince !== null && reachedEnd) {
        for (const e164 of await repo.finishFullRead(db, entry.id, fullReadSince)) touched.add(e164);
      }
      await repo.confirmProviderOffers(db, entry.id, new Date());
      report.providers += 1;
      report.items += items;
      logger.info({ provider: entry.id, items, progress: `${index + 1}/${entries.length}` }, 'sync: provider feed read');
      return true;
    };
    try {
      const done = options.shared ? await withSessionLock(db, `inventory.sync:${entry.id}`, readFeed) : await readFeed();
      if (done === null) {
        report.skipped.push(entry.id);
        logger.info({ provider: entry.id }, 'sync: another instance is syncing this provider; skipped');
      }
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
  // MarketDepth's counts are current already (their changes are appended with every change of a
  // number); folding them keeps a request's read to a market's counts
  await repo.foldMarketDepthChanges(db);
  // The planner's statistics of what the sync changed (or of a catalogue never analyzed), now
  // rather than when autovacuum comes by, if it is on: without them (the first sync of 464,000
  // offers at scale 100) the offers of 100 numbers were planned as a sequential scan of every
  // offer, 200 ms (1.5 s under load) per InventoryLineage page instead of 0.4 ms by primary key.
  if (await statisticsStale(db, report.items)) await sql`analyze inventory.offers, inventory.numbers`.execute(db);
  logger.info({ ...report }, 'sync: done');
  return report;
}

/**
 * Whether offers or numbers has no column statistics yet (never analyzed, or empty when it was),
 * or the sync changed more than a tenth of the offers the last statistics counted: autovacuum's
 * own threshold (autovacuum_analyze_scale_factor), so a sync that changed a handful of offers
 * does not analyze half a million every interval.
 */
async function statisticsStale(db: Db, changedOffers: number): Promise<boolean> {
  const { rows } = await sql<{ analyzed: number; offers: number }>`
    select (select count(distinct tablename)::int from pg_stats where schemaname = 'inventory' and tablename in ('offers', 'numbers')) as analyzed,
      (select greatest(reltuples, 0)::float8 from pg_class where oid = 'inventory.offers'::regclass) as offers`.execute(db);
  const { analyzed = 0, offers = 0 } = rows[0] ?? {};
  return analyzed < 2 || changedOffers > 0.1 * Number(offers);
}

function lifecycleStatus(providerStatus: string): LifecycleStatus {
  return (NUMBER_STATUSES as readonly string[]).includes(providerStatus) ? (providerStatus as LifecycleStatus) : 'available';
}

/**
 * Holder and status of numbers whose offers changed, from the offers that are still on sale: one
 * transaction per chunk, under one advisory lock for every instance (so each reads the offers the
 * others committed), the numbers' rows locked. A tenant's claim is never the feed's to change:
 * status and withdrawal touch only rows without a tenant.
 */
async function reconcileNumbers(db: Db, e164s: string[], report: SyncReport): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext('inventory.reconcile'))`.execute(tx);
    const offers = await repo.findOffersByNumbers(tx, e164s);
    const carriers = new Map((await repo.allProviders(tx)).map((p) => [p.id, p.carrier_id]));
    const existing = new Map((await tx.selectFrom('numbers').selectAll().where('e164', 'in', e164s).forUpdate().execute()).map((row) => [row.e164, row]));
    const onSale = new Map<string, Map<string, OfferRow>>();
    for (const offer of offers) {
      if (offer.removed_at !== null) continue;
      const byProvider = onSale.get(offer.e164) ?? new Map<string, OfferRow>();
      byProvider.set(offer.provider_id, offer);
      onSale.set(offer.e164, byProvider);
    }
    const inserts: repo.NewNumberRow[] = [];
    const history: repo.NewEvent[] = [];
    const events: NewEvent[] = [];
    for (const e164 of e164s) {
      const current = onSale.get(e164);
      const row = existing.get(e164);
      if (!current || current.size === 0) {
        // Withdrawn by every provider; a tenant's number stays catalogued for it.
        if (row && row.removed_at === null && row.tenant === null) {
          const changed = await tx.updateTable('numbers').set({ removed_at: sql`now()`, updated_at: sql`now()`, version: sql`version + 1` }).where('e164', '=', e164).where('tenant', 'is', null).returning(['e164', 'version']).executeTakeFirst();
          if (changed) events.push(numberEvent(changed, 'number.withdrawn', null, row.holder_provider_id));
          report.numbersWithdrawn += 1;
        }
        continue;
      }
      const holder = stockHolder(current as Map<string, ChainOffer>, (id) => carriers.get(id) ?? null)!;
      const holderOffer = current.get(holder)!;
      const status = lifecycleStatus(holderOffer.provider_status);
      if (!row) {
        inserts.push({ e164, country: holderOffer.country, number_type: holderOffer.number_type, holder_provider_id: holder, status, tenant: null, reserved_until: null, order_id: null, assigned_via_provider_id: null, removed_at: null });
        history.push({ e164, from_status: null, to_status: status, actor: 'sync', reason: `catalogued from ${holder}'s feed`, tenant: null });
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
      let update = tx.updateTable('numbers').set({ ...changes, updated_at: sql`now()`, version: sql`version + 1` }).where('e164', '=', e164);
      if ('status' in changes) update = update.where('tenant', 'is', null);
      const changed = await update.returning(['e164', 'version']).executeTakeFirst();
      if (!changed) continue;
      if ('status' in changes) history.push({ e164, from_status: row.status, to_status: status, actor: 'sync', reason: `${holder} reports ${status}`, tenant: null });
      events.push(numberEvent(changed, 'holder_provider_id' in changes ? 'number.holder_changed' : 'number.status_changed', null, holder, { holder, status: changes.status ?? row.status }));
      report.numbersChanged += 1;
    }
    // Another instance may have catalogued one of them since: it keeps its row (and its event).
    const added = await repo.insertNumbers(tx, inserts);
    for (const row of added) events.push(numberEvent(row, 'number.catalogued', null, row.holder_provider_id, { status: row.status }));
    await repo.insertEvents(tx, history.filter((h) => h.from_status !== null || added.some((a) => a.e164 === h.e164)));
    await writeEvents(tx, events);
    // Their offers changed: each chain walked again as MarketDepth counts it, with the holder set above.
    await repo.refreshChainFacts(tx, e164s);
  });
}

/** Reservations past their time go back to stock, each with its transition recorded. */
export async function expireReservations(db: Db): Promise<number> {
  return db.transaction().execute(async (tx) => {
    // the database's clock, as claims and visibility use it; rows another transaction holds wait for the next run
    const expired = await tx
      .selectFrom('numbers')
      .select(['e164', 'tenant'])
      .where('status', '=', 'reserved')
      .where('reserved_until', '<=', sql<Date>`now()`)
      .forUpdate()
      .skipLocked()
      .execute();
    if (expired.length === 0) return 0;
    const rows = await tx
      .updateTable('numbers')
      .set({ status: 'available', tenant: null, reserved_until: null, updated_at: sql`now()`, version: sql`version + 1` })
      .where('e164', 'in', expired.map((r) => r.e164))
      .returning(['e164', 'version'])
      .execute();
    const tenants = new Map(expired.map((r) => [r.e164, r.tenant]));
    await repo.insertEvents(tx, expired.map((r) => ({ e164: r.e164, from_status: 'reserved', to_status: 'available', actor: 'expiry', reason: 'reservation expired', tenant: r.tenant })));
    await writeEvents(tx, rows.map((row) => numberEvent(row, 'number.expired', tenants.get(row.e164) ?? null, null)));
    return expired.length;
  });
}

/**
 * Syncs now, then every `intervalSeconds` (0: never again), one run at a time. Resolves after
 * the first sync; `stop` waits for a run in progress.
 */
export async function startSyncSchedule(db: Db, upstream: Upstream, logger: Logger, intervalSeconds: number, options: SyncOptions = {}): Promise<{ first: SyncReport; stop(): Promise<void> }> {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => syncCatalogue(db, upstream, logger, options);
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
