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

export async function upsertProvider(db: Db, row: Omit<ProviderRow, 'feed_cursor' | 'last_synced_at'>): Promise<void> {
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
  await db.updateTable('offers').set({ last_confirmed_at: now }).where('provider_id', '=', providerId).where('removed_at', 'is', null).execute();
  await db.updateTable('providers').set({ last_synced_at: now }).where('id', '=', providerId).execute();
}

/** Withdraws the offers of providers not among `ids`; returns the numbers they touch. */
export async function withdrawProvidersNotIn(db: Db, ids: string[], now: Date): Promise<string[]> {
  const rows = await db.updateTable('offers').set({ removed_at: now }).where('provider_id', 'not in', ids).where('removed_at', 'is', null).returning('e164').execute();
  return rows.map((r) => r.e164);
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

/** Inserts numbers not catalogued yet (another instance may have inserted one meanwhile: its row stays); returns those inserted. */
export async function insertNumbers(db: Db, rows: Omit<NumberRow, 'updated_at' | 'version'>[]): Promise<{ e164: string; version: number; holder_provider_id: string | null; status: string }[]> {
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

export async function listMarkets(db: Db, country: string | null, page: Page): Promise<MarketRow[]> {
  let query = db.selectFrom('numbers').select(['country', 'number_type']).where('removed_at', 'is', null).groupBy(['country', 'number_type']).orderBy('country').orderBy('number_type').limit(page.limit);
  if (country) query = query.where('country', '=', country.toUpperCase());
  if (page.afterKey !== null) {
    const [afterCountry = '', afterType = ''] = page.afterKey.split(KEY_SEPARATOR);
    query = query.where((eb) => eb.or([eb('country', '>', afterCountry), eb.and([eb('country', '=', afterCountry), eb('number_type', '>', afterType)])]));
  }
  return query.execute();
}

export async function countMarkets(db: Db, country: string | null): Promise<number> {
  let query = db.selectFrom('numbers').select(sql<number>`count(distinct (country, number_type))`.as('count')).where('removed_at', 'is', null);
  if (country) query = query.where('country', '=', country.toUpperCase());
  return Number((await query.executeTakeFirstOrThrow()).count);
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
 * Depth of markets: each catalogued number once, at its holder, with the tier of the holder's
 * declared chain (a recursive walk over offers of the same number, cycle- and depth-guarded, and
 * ending as chain.ts's chainFrom does: at a carrier-only source, or at a purchase from a provider
 * that offers the number no more, which counts as the last hop). One statement for any number of
 * markets, and its cost grows with the numbers walked: every row carries its market and holder
 * along the walk, and the result is grouped, never joined back, so no step pairs each number
 * with every other (a CTE has no index: joining one back to another was quadratic, 40 s for 16
 * markets).
 */
export async function marketDepth(db: Db, markets: readonly MarketRow[]): Promise<DepthRow[]> {
  if (markets.length === 0) return [];
  const keys = sql.join(markets.map((m) => sql`(${m.country}, ${m.number_type})`));
  const result = await sql<{ country: string; number_type: string; provider_id: string; tier: number | null; chain: string | null; carrier_id: string | null; numbers: number }>`
    with recursive held as (
      select n.e164, n.country, n.number_type, coalesce(n.assigned_via_provider_id, n.holder_provider_id) as holder
      from inventory.numbers n
      where (n.country, n.number_type) in (${keys}) and n.removed_at is null
        and coalesce(n.assigned_via_provider_id, n.holder_provider_id) is not null
    ), chain as (
      select h.e164, h.country, h.number_type, h.holder, o.provider_id, o.source_carrier_id, o.source_provider_id, 1 as hops, array[o.provider_id] as path
      from held h join inventory.offers o on o.e164 = h.e164 and o.provider_id = h.holder
      union all
      select c.e164, c.country, c.number_type, c.holder, o.provider_id, o.source_carrier_id, o.source_provider_id, c.hops + 1, c.path || o.provider_id
      from chain c join inventory.offers o on o.e164 = c.e164 and o.provider_id = c.source_provider_id
      where c.hops < 8 and not (o.provider_id = any(c.path))
    ), ends as (
      -- the last hop is the source provider of a purchase, else the provider itself; a carrier
      -- selling its own number is no hop of its own
      select c.e164, c.country, c.number_type, c.holder, c.hops + case when c.source_provider_id is null then 0 else 1 end
        - case when p.carrier_id is not distinct from c.source_carrier_id then 1 else 0 end as tier,
        array_to_string(c.path || case when c.source_provider_id is null then array[]::text[] else array[c.source_provider_id] end, ',') as chain,
        c.source_carrier_id as carrier_id
      from chain c left join inventory.providers p on p.id = coalesce(c.source_provider_id, c.provider_id)
      where c.source_carrier_id is not null
        and (c.source_provider_id is null or (c.hops < 8 and not exists (
          select 1 from inventory.offers s where s.e164 = c.e164 and s.provider_id = c.source_provider_id)))
    ), tiers as (
      -- a walk has one end at most; a number without one (a broken chain) keeps a null tier
      select e164, country, number_type, holder, max(tier) as tier, max(chain) as chain, max(carrier_id) as carrier_id
      from (select e164, country, number_type, holder, tier, chain, carrier_id from ends
            union all select e164, country, number_type, holder, null, null, null from held) walked
      group by e164, country, number_type, holder
    )
    select country, number_type, holder as provider_id, tier, chain, carrier_id, count(*)::int as numbers
    from tiers
    group by country, number_type, holder, tier, chain, carrier_id`.execute(db);
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
