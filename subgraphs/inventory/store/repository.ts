/** The inventory queries: providers, feed pages applied to offers, withdrawals, numbers, events, listings, markets and market depth. */
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { KEY_SEPARATOR, type Page } from '../../../platform/pagination.js';
import type { FeedItem } from '../../../providers/api.js';
import type { InventoryTables, LifecycleStatus, NumberEventRow, NumberRow, OfferRow, OrderLineRow, OrderRow, ProviderRow } from '../tables.js';

type Db = Kysely<InventoryTables>;

/** Rows per multi-row insert: well under Postgres's 65,535 parameters. */
const INSERT_CHUNK = 500;

export async function findProvidersByIds(db: Db, ids: readonly string[]): Promise<ProviderRow[]> {
  return db.selectFrom('providers').selectAll().where('id', 'in', [...ids]).execute();
}

export async function allProviders(db: Db): Promise<ProviderRow[]> {
  return db.selectFrom('providers').selectAll().orderBy('id').execute();
}

export async function listProviders(db: Db, page: Page): Promise<ProviderRow[]> {
  let query = db.selectFrom('providers').selectAll().orderBy('id').limit(page.limit);
  if (page.afterKey !== null) query = query.where('id', '>', page.afterKey);
  return query.execute();
}

export async function countProviders(db: Db): Promise<number> {
  return Number((await db.selectFrom('providers').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow()).count);
}

export async function upsertProvider(db: Db, row: Omit<ProviderRow, 'feed_cursor' | 'last_synced_at' | 'full_read_since'>): Promise<void> {
  await db
    .insertInto('providers')
    .values(row)
    .onConflict((oc) => oc.column('id').doUpdateSet({ name: row.name, base_url: row.base_url, carrier_id: row.carrier_id, batch_limit: row.batch_limit, page_cap: row.page_cap }))
    .execute();
}

/**
 * One feed page of a provider: its offers upserted (removed ones marked), its cursor saved, in
 * one transaction, so a crash never skips or replays half a page.
 */
export async function applyFeedPage(db: Db, providerId: string, items: FeedItem[], cursor: string, now: Date): Promise<void> {
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < items.length; i += INSERT_CHUNK) {
      const rows = items.slice(i, i + INSERT_CHUNK).map((item) => ({
        provider_id: providerId,
        e164: item.e164,
        country: item.country,
        number_type: item.numberType,
        region: item.region,
        area_code: item.areaCode,
        capabilities: item.capabilities.join(','),
        source_carrier_id: item.source.carrierId,
        // Both may be set: bought outright from that provider, which held it from that carrier.
        source_provider_id: item.source.providerId,
        setup_amount: item.setupPrice.amount,
        setup_currency: item.setupPrice.currency,
        monthly_amount: item.monthlyPrice.amount,
        monthly_currency: item.monthlyPrice.currency,
        provider_status: item.status,
        changed_at: item.changedAt,
        last_confirmed_at: now,
        removed_at: item.removed ? now : null,
      }));
      await tx
        .insertInto('offers')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['e164', 'provider_id']).doUpdateSet((eb) => ({
            country: eb.ref('excluded.country'),
            number_type: eb.ref('excluded.number_type'),
            region: eb.ref('excluded.region'),
            area_code: eb.ref('excluded.area_code'),
            capabilities: eb.ref('excluded.capabilities'),
            source_carrier_id: eb.ref('excluded.source_carrier_id'),
            source_provider_id: eb.ref('excluded.source_provider_id'),
            setup_amount: eb.ref('excluded.setup_amount'),
            setup_currency: eb.ref('excluded.setup_currency'),
            monthly_amount: eb.ref('excluded.monthly_amount'),
            monthly_currency: eb.ref('excluded.monthly_currency'),
            provider_status: eb.ref('excluded.provider_status'),
            changed_at: eb.ref('excluded.changed_at'),
            last_confirmed_at: eb.ref('excluded.last_confirmed_at'),
            removed_at: eb.ref('excluded.removed_at'),
          })),
        )
        .execute();
    }
    await tx.updateTable('providers').set({ feed_cursor: cursor }).where('id', '=', providerId).execute();
  });
}

/** The feed was read to its end: everything it still offers is confirmed as of now. */
export async function confirmProviderOffers(db: Db, providerId: string, now: Date): Promise<void> {
  // One row, not every offer: a sync confirms every live offer of the provider, and an offer's
  // lastConfirmedAt reads the later of its own (the last feed page that listed it) and this.
  // Rewriting each offer instead cost a sync at scale 100 464,000 row versions, changed or not.
  await db.updateTable('providers').set({ last_synced_at: now }).where('id', '=', providerId).execute();
}

/**
 * Withdraws the offers of providers not among `ids`; returns the numbers they touch. Their feeds
 * are forgotten too: one that returns is read from its start (its stored cursor would never list
 * again the offers withdrawn here).
 */
export async function withdrawProvidersNotIn(db: Db, ids: string[], now: Date): Promise<string[]> {
  const rows = await db.updateTable('offers').set({ removed_at: now }).where('provider_id', 'not in', ids).where('removed_at', 'is', null).returning('e164').execute();
  await db.updateTable('providers').set({ feed_cursor: null, full_read_since: null }).where('id', 'not in', ids).where('feed_cursor', 'is not', null).execute();
  return rows.map((r) => r.e164);
}

/** Records that a read of the provider's feed from its start begins now. */
export async function startFullRead(db: Db, providerId: string, since: Date): Promise<void> {
  await db.updateTable('providers').set({ full_read_since: since }).where('id', '=', providerId).execute();
}

/** A read from the start reached the feed's end: withdraws what it did not list, and ends it; returns the numbers touched. */
export async function finishFullRead(db: Db, providerId: string, since: Date): Promise<string[]> {
  const withdrawn = await withdrawUnconfirmed(db, providerId, since);
  await db.updateTable('providers').set({ full_read_since: null }).where('id', '=', providerId).execute();
  return withdrawn;
}

/** Withdraws a provider's offers not confirmed since `since` (a full feed read did not list them); returns their numbers. */
export async function withdrawUnconfirmed(db: Db, providerId: string, since: Date): Promise<string[]> {
  const rows = await db.updateTable('offers').set({ removed_at: new Date() }).where('provider_id', '=', providerId).where('last_confirmed_at', '<', since).where('removed_at', 'is', null).returning('e164').execute();
  return rows.map((r) => r.e164);
}

/** Every offer of these numbers, removed ones included (a chain stays a fact after the offer ends). */
export async function findOffersByNumbers(db: Db, e164s: readonly string[]): Promise<OfferRow[]> {
  if (e164s.length === 0) return [];
  return db.selectFrom('offers').selectAll().where('e164', 'in', [...e164s]).execute();
}

/** Rows with `reservation_over`: whether a reservation has run out, by the database's clock. */
export async function findNumbersByE164(db: Db, e164s: readonly string[]): Promise<(NumberRow & { reservation_over: boolean | null })[]> {
  if (e164s.length === 0) return [];
  return db.selectFrom('numbers').selectAll().select(sql<boolean>`(status = 'reserved' and reserved_until <= now())`.as('reservation_over')).where('e164', 'in', [...e164s]).execute();
}

/** A number as the sync catalogues it: the database stamps its time and version and walks its chain (a trigger). */
export type NewNumberRow = Omit<NumberRow, 'updated_at' | 'version' | 'chain_tier' | 'chain_providers' | 'chain_carrier_id'>;

/** Inserts numbers not catalogued yet (another instance may have inserted one meanwhile: its row stays); returns those inserted. */
export async function insertNumbers(db: Db, rows: NewNumberRow[]): Promise<{ e164: string; version: number; holder_provider_id: string | null; status: string }[]> {
  const inserted: { e164: string; version: number; holder_provider_id: string | null; status: string }[] = [];
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const chunk = rows.slice(i, i + INSERT_CHUNK).map((row) => ({ ...row, version: 1 }));
    inserted.push(...(await db.insertInto('numbers').values(chunk).onConflict((oc) => oc.column('e164').doNothing()).returning(['e164', 'version', 'holder_provider_id', 'status']).execute()));
  }
  return inserted;
}

export type NewEvent = Omit<NumberEventRow, 'id' | 'at'> & { at?: Date };

export async function insertEvents(db: Db, events: NewEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += INSERT_CHUNK) await db.insertInto('number_events').values(events.slice(i, i + INSERT_CHUNK)).execute();
}

/** Transitions of these numbers that the tenant may see (every tenant sees the untenanted ones), newest first. */
export async function findEventsByNumbers(db: Db, e164s: readonly string[], tenant: string | null): Promise<NumberEventRow[]> {
  return db
    .selectFrom('number_events')
    .selectAll()
    .where('e164', 'in', [...e164s])
    .where((eb) => (tenant === null ? eb('tenant', 'is', null) : eb.or([eb('tenant', 'is', null), eb('tenant', '=', tenant)])))
    .orderBy('e164')
    .orderBy('id', 'desc')
    .execute();
}

export interface NumberFilter {
  country?: string | null;
  numberType?: string | null;
  holderId?: string | null;
  /** As the caller sees it: lower-case lifecycle status, or 'unavailable'. */
  status?: string | null;
}

/** A reservation past its time is over, whether or not the sweep has recorded it yet. */
const reservationOver = sql<SqlBool>`(status = 'reserved' and reserved_until <= now())`;

/** The holder, the same for every viewer: the provider a tenant ordered it through, else the stock holder (as MarketDepth counts it). */
export function visibleHolder(_tenant: string | null) {
  return sql<string>`coalesce(assigned_via_provider_id, holder_provider_id)`;
}

function statusCondition(eb: ExpressionBuilder<InventoryTables, 'numbers'>, status: string, tenant: string | null): Expression<SqlBool> {
  const theirs = eb.and([eb('tenant', 'is not', null), eb('tenant', 'is distinct from', tenant), eb.not(reservationOver)]);
  const mineOrStock = eb.or([eb('tenant', 'is', null), eb('tenant', '=', tenant)]);
  switch (status) {
    case 'available':
      return eb.or([eb('status', '=', 'available'), reservationOver]);
    case 'unavailable':
      return theirs;
    case 'reserved':
      return eb.and([eb('status', '=', 'reserved'), eb.not(reservationOver), mineOrStock]);
    case 'assigned':
      return eb.and([eb('status', '=', 'assigned'), mineOrStock]);
    default:
      return eb.and([eb('status', '=', status as LifecycleStatus), mineOrStock]);
  }
}

function filteredNumbers(db: Db, filter: NumberFilter, tenant: string | null) {
  let query = db.selectFrom('numbers').where('removed_at', 'is', null);
  if (filter.country) query = query.where('country', '=', filter.country.toUpperCase());
  if (filter.numberType) query = query.where('number_type', '=', filter.numberType);
  if (filter.holderId) query = query.where(visibleHolder(tenant), '=', filter.holderId);
  if (filter.status) {
    const status = filter.status;
    query = query.where((eb) => statusCondition(eb, status, tenant));
  }
  return query;
}

export async function listNumbers(db: Db, page: Page, filter: NumberFilter, tenant: string | null): Promise<NumberRow[]> {
  let query = filteredNumbers(db, filter, tenant).selectAll().select(sql<boolean>`(status = 'reserved' and reserved_until <= now())`.as('reservation_over')).orderBy('e164').limit(page.limit);
  if (page.afterKey !== null) query = query.where('e164', '>', page.afterKey);
  return query.execute();
}

export async function countNumbers(db: Db, filter: NumberFilter, tenant: string | null): Promise<number> {
  const row = await filteredNumbers(db, filter, tenant).select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}

export interface MarketRow {
  country: string;
  number_type: string;
}

/**
 * The markets with catalogued numbers, by country then type. A loose index scan over numbers_listed_market:
 * each step jumps to the next (country, number_type) after the one before, so the cost grows with
 * the markets listed, not with the numbers in them (a group by read all 389,400 at scale 100).
 */
function distinctMarkets(country: string | null, after: MarketRow | null) {
  const inCountry = country ? sql`and n.country = ${country.toUpperCase()}` : sql``;
  const start = after ? sql`and (n.country, n.number_type) > (${after.country}, ${after.number_type})` : sql``;
  return sql`
    with recursive market as (
      (select n.country, n.number_type from inventory.numbers n
       where n.removed_at is null ${inCountry} ${start}
       order by n.country, n.number_type limit 1)
      union all
      select next.country, next.number_type from market m cross join lateral (
        select n.country, n.number_type from inventory.numbers n
        where n.removed_at is null ${inCountry} and (n.country, n.number_type) > (m.country, m.number_type)
        order by n.country, n.number_type limit 1) next
    )`;
}

export async function listMarkets(db: Db, country: string | null, page: Page): Promise<MarketRow[]> {
  let after: MarketRow | null = null;
  if (page.afterKey !== null) {
    const [afterCountry = '', afterType = ''] = page.afterKey.split(KEY_SEPARATOR);
    after = { country: afterCountry, number_type: afterType };
  }
  const result = await sql<MarketRow>`${distinctMarkets(country, after)}
    select country, number_type from market order by country, number_type limit ${page.limit}`.execute(db);
  return result.rows;
}

export async function countMarkets(db: Db, country: string | null): Promise<number> {
  const result = await sql<{ count: number }>`${distinctMarkets(country, null)} select count(*)::int as count from market`.execute(db);
  return Number(result.rows[0]?.count ?? 0);
}

export const marketKey = (m: MarketRow) => `${m.country}${KEY_SEPARATOR}${m.number_type}`;

export interface DepthRow {
  country: string;
  number_type: string;
  provider_id: string;
  tier: number | null;
  numbers: number;
  /** The distinct declared chains of these numbers (providers from the holder towards the carrier, and the carrier), with their counts. */
  chains: DepthChain[];
}

export interface DepthChain {
  providers: string[];
  carrierId: string | null;
  numbers: number;
}

/**
 * Depth of markets: each catalogued number once, at its visible holder, with the tier, providers
 * and carrier of that holder's declared chain. Read from the counts the database keeps (migration
 * 20261202T190000): market_depth as last folded plus the changes every statement on numbers
 * appended since, in one snapshot, so an order or a release shows at once. One statement for any
 * number of markets, reading their counts, not their numbers: no chain is walked at request time
 * (walking them all took 3 s for one market at scale 100).
 */
export async function marketDepth(db: Db, markets: readonly MarketRow[]): Promise<DepthRow[]> {
  if (markets.length === 0) return [];
  const keys = sql.join(markets.map((m) => sql`(${m.country}, ${m.number_type})`));
  const result = await sql<{ country: string; number_type: string; provider_id: string; tier: number | null; chain: string | null; carrier_id: string | null; numbers: number }>`
    select country, number_type, holder_id as provider_id, chain_tier as tier, chain_providers as chain, chain_carrier_id as carrier_id, sum(numbers)::int as numbers
    from (
      select country, number_type, holder_id, chain_tier, chain_providers, chain_carrier_id, numbers
      from inventory.market_depth where (country, number_type) in (${keys})
      union all
      select country, number_type, holder_id, chain_tier, chain_providers, chain_carrier_id, numbers
      from inventory.market_depth_changes where (country, number_type) in (${keys})
    ) counted
    group by country, number_type, holder_id, chain_tier, chain_providers, chain_carrier_id
    having sum(numbers) > 0
    -- a row's chains most numbers first, then by chain: the same order every time
    order by numbers desc, chain nulls last, carrier_id nulls last`.execute(db);
  // one row per holder and tier, its chains listed; most numbers first, then holder, then tier
  const rows = new Map<string, DepthRow>();
  for (const row of result.rows) {
    const tier = row.tier === null ? null : Number(row.tier);
    const key = `${row.country}${KEY_SEPARATOR}${row.number_type}${KEY_SEPARATOR}${row.provider_id}${KEY_SEPARATOR}${tier ?? ''}`;
    const depth = rows.get(key) ?? { country: row.country, number_type: row.number_type, provider_id: row.provider_id, tier, numbers: 0, chains: [] };
    const numbers = Number(row.numbers);
    depth.numbers += numbers;
    depth.chains.push({ providers: row.chain ? row.chain.split(',') : [], carrierId: row.carrier_id, numbers });
    rows.set(key, depth);
  }
  return [...rows.values()].sort((a, b) => b.numbers - a.numbers || a.provider_id.localeCompare(b.provider_id) || (a.tier ?? Number.MAX_SAFE_INTEGER) - (b.tier ?? Number.MAX_SAFE_INTEGER));
}

/**
 * Folds the changes appended to MarketDepth's counts into market_depth, so a request sums few
 * rows. One folder at a time (an advisory lock); orders and releases only append, so they never
 * wait for it. Changes committed while it runs stay for the next fold: nothing is counted twice
 * or lost. Returns the changes folded.
 */
export async function foldMarketDepthChanges(db: Db): Promise<number> {
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext('inventory.market_depth'))`.execute(tx);
    const { rows } = await sql<{ folded: number }>`
      with moved as (
        delete from inventory.market_depth_changes
        returning country, number_type, holder_id, chain_tier, chain_providers, chain_carrier_id, numbers
      ), summed as (
        select country, number_type, holder_id, chain_tier, chain_providers, chain_carrier_id, sum(numbers)::int as numbers, count(*)::int as changes
        from moved group by 1, 2, 3, 4, 5, 6
      ), folded as (
        insert into inventory.market_depth (country, number_type, holder_id, chain_tier, chain_providers, chain_carrier_id, numbers)
        select country, number_type, holder_id, chain_tier, chain_providers, chain_carrier_id, numbers from summed
        on conflict on constraint market_depth_key do update set numbers = inventory.market_depth.numbers + excluded.numbers
      )
      select coalesce(sum(changes), 0)::int as folded from summed`.execute(tx);
    await sql`delete from inventory.market_depth where numbers = 0`.execute(tx);
    return Number(rows[0]?.folded ?? 0);
  });
}

/**
 * Walks these numbers' chains again from their visible holders, where their offers may have
 * changed (the sync), and stores the facts that differ (a new holder is walked by the trigger).
 * One statement; the caller holds the numbers' rows locked, so no order changes a holder between
 * the walk and the write.
 */
export async function refreshChainFacts(db: Db, e164s: readonly string[]): Promise<number> {
  if (e164s.length === 0) return 0;
  const result = await sql`
    with fresh as (
      select n.e164, c.tier, c.providers, c.carrier_id
      from inventory.numbers n
      cross join lateral inventory.number_chain(n.e164, coalesce(n.assigned_via_provider_id, n.holder_provider_id)) c
      where n.e164 in (${sql.join([...e164s])})
    )
    update inventory.numbers n set chain_tier = f.tier, chain_providers = f.providers, chain_carrier_id = f.carrier_id
    from fresh f
    where n.e164 = f.e164 and (n.chain_tier, n.chain_providers, n.chain_carrier_id) is distinct from (f.tier, f.providers, f.carrier_id)`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Providers with non-removed offers in a market: whom a search asks. Each provider is one probe
 * of offers_listed_by_provider (whether it lists anything there), not a read of the market's
 * offers for their distinct providers (44,000 offers for GB MOBILE at scale 100, 33 ms alone).
 */
export async function providersInMarket(db: Db, country: string, numberType: string | null): Promise<string[]> {
  const rows = await db
    .selectFrom('providers')
    .select('id')
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('offers')
          .select(sql<number>`1`.as('listed'))
          .whereRef('offers.provider_id', '=', 'providers.id')
          .where('offers.country', '=', country)
          .where('offers.removed_at', 'is', null)
          .$if(numberType !== null && numberType !== '', (q) => q.where('offers.number_type', '=', numberType!)),
      ),
    )
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/** A tenant's orders by id (another tenant's ids find nothing). */
export async function findOrdersByIds(db: Db, tenant: string, ids: readonly string[]): Promise<OrderRow[]> {
  return db.selectFrom('orders').selectAll().where('tenant', '=', tenant).where('id', 'in', [...ids]).execute();
}

export async function findOrderLines(db: Db, orderIds: readonly string[]): Promise<OrderLineRow[]> {
  return db.selectFrom('order_lines').selectAll().where('order_id', 'in', [...orderIds]).orderBy('order_id').orderBy('position').execute();
}

export const orderKey = (order: OrderRow) => `${iso(order.created_at)}${KEY_SEPARATOR}${order.id}`;
const iso = (value: Date | string) => (value instanceof Date ? value : new Date(value)).toISOString();

/** A tenant's orders, newest first. */
export async function listOrders(db: Db, tenant: string, page: Page): Promise<OrderRow[]> {
  let query = db.selectFrom('orders').selectAll().where('tenant', '=', tenant).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit);
  if (page.afterKey !== null) {
    const [at = '', id = ''] = page.afterKey.split(KEY_SEPARATOR);
    const after = new Date(at);
    if (Number.isNaN(after.getTime())) return [];
    query = query.where((eb) => eb.or([eb('created_at', '<', after), eb.and([eb('created_at', '=', after), eb('id', '<', id)])]));
  }
  return query.execute();
}

export async function countOrders(db: Db, tenant: string): Promise<number> {
  return Number((await db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('count')).where('tenant', '=', tenant).executeTakeFirstOrThrow()).count);
}
