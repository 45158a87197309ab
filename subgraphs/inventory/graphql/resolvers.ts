/** The inventory subgraph's resolvers: numbers, providers, markets and depth, offers, tier chains, live status, as each caller may see them. */
import { isSupportedCountry, Metadata } from 'libphonenumber-js/max';
import { CAPABILITIES, type Capability, type Money } from '../../../providers/api.js';
import { badUserInput } from '../../../contracts/errors.js';
import { readCountry, readText } from '../../../platform/input.js';
import { readPage, toConnection, type Connection, type Page } from '../../../platform/pagination.js';
import { byShortestThenCheapest, chainFrom, type Chain } from '../domain/chain.js';
import type { Context } from '../context.js';
import { liveKey } from '../context.js';
import type { InventoryStatus, OrderStatus, Resolvers } from '../generated/resolvers.js';
import type { OfferModel, VisibleStatus } from './models.js';
import { orderMutations } from './orders.js';
import { reservationMutations } from './reservations.js';
import * as repo from '../store/repository.js';
import { runSearch, searchRequest, storeSearch } from './search.js';
import type { NumberRow, OfferRow, OrderLineRow, OrderRow, ProviderRow } from '../tables.js';
import { fromProvider } from '../../provider-failure.js';

/** A word of the catalogue's capabilities column that is a capability (an unknown one is left out). */
const isCapability = (word: string): word is Capability => (CAPABILITIES as readonly string[]).includes(word);

/** The largest page of `numbers` (InventoryLineage pages of up to 500) and of search results. */
export const MAX_NUMBERS_PAGE = 500;

function readFilter(filter: { country?: string | null; numberType?: string | null; holderId?: string | null; status?: string | null } | null | undefined): repo.NumberFilter {
  if (!filter) return {};
  return {
    country: filter.country != null ? readCountry(filter.country, 'filter.country') : null,
    numberType: filter.numberType ?? null,
    holderId: filter.holderId != null ? readText(filter.holderId, 'filter.holderId', { min: 1, max: 100 }) : null,
    status: filter.status?.toLowerCase() ?? null,
  };
}

/**
 * A page of a list already in memory (a number's offers or history, a kept search), by the key of
 * its items. A cursor whose item has gone since (a withdrawn offer) is refused rather than
 * restarting the list, which would loop a client paging to the end.
 */
export function pageOf<T>(items: T[], page: Page, keyOf: (item: T) => string): Connection<T> {
  const index = page.afterKey === null ? -1 : items.findIndex((item) => keyOf(item) === page.afterKey);
  if (page.afterKey !== null && index < 0) throw badUserInput('after names an item this list no longer has: start again without after', 'after');
  const start = index + 1;
  return toConnection(items.slice(start, start + page.limit), page, keyOf, async () => items.length);
}

export const iso = (value: Date | string) => (value instanceof Date ? value : new Date(value)).toISOString();
const money = (amount: string, currency: string): Money => ({ amount, currency });

/** A number as this caller may know it: null when not catalogued. */
async function visibleRow(ctx: Context, e164: string): Promise<NumberRow | null> {
  const row = await ctx.loaders.numbers.load(e164);
  if (!row) return null;
  if (row.removed_at !== null && !(row.tenant !== null && row.tenant === ctx.tenant)) return null;
  return row;
}


/**
 * The holder: the provider it was ordered through once a tenant has it, else the stock holder.
 * The same for every viewer (the tenant sees its provider; others see the number unavailable, at
 * that one holder), as `numbers(holderId)` filters and MarketDepth counts it.
 */
export function visibleHolderId(row: NumberRow, _ctx: Context): string | null {
  return row.assigned_via_provider_id ?? row.holder_provider_id;
}

/**
 * The number's row and its visible holder, the holder's provider row loaded after the number's
 * offers (as tierChain does): the providers of holder and chain then load in one statement.
 */
async function heldBy(ctx: Context, e164: string): Promise<{ row: NumberRow; holderId: string; holder: ProviderRow | null } | null> {
  const row = await visibleRow(ctx, e164);
  const holderId = row && visibleHolderId(row, ctx);
  if (!row || !holderId) return null;
  await ctx.loaders.offers.load(e164);
  return { row, holderId, holder: await ctx.loaders.providers.load(holderId) };
}

/** The lifecycle status as this caller may see it: another tenant's reservation or assignment is UNAVAILABLE. */
export function visibleStatus(row: NumberRow & { reservation_over?: boolean | null }, ctx: Context) {
  // whether a reservation is over is the database's clock's call (repo.findNumbersByE164), as for claims and expiry
  if (row.reservation_over) return 'AVAILABLE' as const;
  if (row.tenant !== null && row.tenant !== ctx.tenant) return 'UNAVAILABLE' as const;
  return LIFECYCLE[row.status];
}

/** One number's offers by provider, with which providers are carriers: what chains are computed from. */
async function chainInputs(ctx: Context, e164: string) {
  const offers = await ctx.loaders.offers.load(e164);
  const byProvider = new Map(offers.map((o) => [o.provider_id, o]));
  // Sources too: a provider a number was bought from is a hop of its chain even without an offer of it.
  const sources = offers.flatMap((o) => (o.source_provider_id !== null && !byProvider.has(o.source_provider_id) ? [o.source_provider_id] : []));
  const providers = await ctx.loaders.providers.loadMany([...new Set([...byProvider.keys(), ...sources])]);
  const carriers = new Map(providers.filter((p): p is ProviderRow => p !== null && !(p instanceof Error)).map((p) => [p.id, p.carrier_id]));
  return { offers, byProvider, carrierOf: (id: string) => carriers.get(id) ?? null };
}

async function holderChain(ctx: Context, e164: string): Promise<Chain | null> {
  const row = await visibleRow(ctx, e164);
  const holder = row && visibleHolderId(row, ctx);
  if (!holder) return null;
  const { byProvider, carrierOf } = await chainInputs(ctx, e164);
  return chainFrom(holder, byProvider, carrierOf);
}

const links = (chain: Chain) => chain.providers.map((providerId, i) => ({ position: i + 1, providerId }));

async function sortedOffers(ctx: Context, e164: string): Promise<OfferModel[]> {
  const { offers, byProvider, carrierOf } = await chainInputs(ctx, e164);
  return offers
    .filter((offer: OfferRow) => offer.removed_at === null)
    .map((offer) => ({ offer, chain: chainFrom(offer.provider_id, byProvider, carrierOf) }))
    .map((model) => ({ model, tier: model.chain.tier, monthly: Number(model.offer.monthly_amount), setup: Number(model.offer.setup_amount), providerId: model.offer.provider_id }))
    .sort(byShortestThenCheapest)
    .map(({ model }) => model);
}

async function requiredProvider(ctx: Context, id: string): Promise<ProviderRow> {
  const row = await ctx.loaders.providers.load(id);
  if (!row) throw new Error(`provider ${id} is missing from the catalogue`);
  return row;
}

/** The GraphQL enum value of each status a caller may see (UNAVAILABLE: another tenant's number). */
const LIFECYCLE: Record<VisibleStatus, InventoryStatus> = { available: 'AVAILABLE', reserved: 'RESERVED', assigned: 'ASSIGNED', aging: 'AGING', ported_out: 'PORTED_OUT', unavailable: 'UNAVAILABLE' };
const ORDER_STATUS: Record<OrderRow['status'], OrderStatus> = { pending: 'PENDING', completed: 'COMPLETED', partial: 'PARTIAL', failed: 'FAILED' };
const LINE_STATUS: Record<OrderLineRow['status'], OrderStatus> = { pending: 'PENDING', completed: 'COMPLETED', failed: 'FAILED' };

/** A stored status (a row's, or a history entry's) as the enum; one the schema does not know is an internal error, never a made-up value. */
function lifecycle(status: string): InventoryStatus {
  if (!isVisibleStatus(status)) throw new Error(`unknown lifecycle status "${status}" in the catalogue`);
  return LIFECYCLE[status];
}
const isVisibleStatus = (status: string): status is VisibleStatus => Object.hasOwn(LIFECYCLE, status);

export const resolvers: Resolvers = {
  // internal values: the providers' words (codegen.ts enumValues); GraphQL answers VOICE, SMS, ...
  Capability: { VOICE: 'voice', SMS: 'sms', MMS: 'mms', FAX: 'fax' },
  Query: {
    numbers: async (_parent, args, ctx) => {
      const page = readPage('Query.numbers', args, 50, MAX_NUMBERS_PAGE);
      const filter = readFilter(args.filter);
      const rows = await repo.listNumbers(ctx.db, page, filter, ctx.tenant);
      for (const row of rows) ctx.loaders.numbers.prime(row.e164, row);
      return toConnection(
        rows.map((row) => ({ e164: row.e164 })),
        page,
        (n) => n.e164,
        () => repo.countNumbers(ctx.db, filter, ctx.tenant),
      );
    },
    provider: (_parent, { id }, ctx) => (id.length > 100 ? null : ctx.loaders.providers.load(id)),
    providers: async (_parent, args, ctx) => {
      const page = readPage('Query.providers', args, 50);
      const rows = await repo.listProviders(ctx.db, page);
      return toConnection(rows, page, (p) => p.id, () => repo.countProviders(ctx.db));
    },
    market: async (_parent, { country, numberType }, ctx) => {
      const market = { country: readCountry(country, 'country'), numberType };
      const depth = await ctx.loaders.marketDepth.load(repo.marketKey({ country: market.country, number_type: numberType }));
      // every pair the plan knows answers, with zero counts where nobody offers numbers
      return depth.length > 0 || planHasType(market.country, numberType) ? market : null;
    },
    markets: async (_parent, args, ctx) => {
      const page = readPage('Query.markets', args, 50);
      const country = args.country != null ? readCountry(args.country, 'country') : null;
      const rows = await repo.listMarkets(ctx.db, country, page);
      return toConnection(
        rows.map((m) => ({ country: m.country, numberType: m.number_type })),
        page,
        (m) => repo.marketKey({ country: m.country, number_type: m.numberType }),
        () => repo.countMarkets(ctx.db, country),
      );
    },
    order: async (_parent, { id }, ctx) => {
      if (id.length > 64) return null;
      const order = await ctx.loaders.orders.load(id);
      return order ? { order } : null;
    },
    orders: async (_parent, args, ctx) => {
      const page = readPage('Query.orders', args, 20);
      const tenant = ctx.tenant;
      if (tenant === null) return toConnection([], page, () => '', async () => 0);
      const rows = await repo.listOrders(ctx.db, tenant, page);
      return toConnection(
        rows.map((order) => ({ order })),
        page,
        (m) => repo.orderKey(m.order),
        () => repo.countOrders(ctx.db, tenant),
      );
    },
    searchNumbers: async (_parent, args, ctx) => {
      const page = readPage('Query.searchNumbers', args, 50, MAX_NUMBERS_PAGE);
      let searchId = args.searchId ?? null;
      if (searchId !== null) readText(searchId, 'searchId', { max: 64 });
      let search = searchId ? await ctx.searches.get(ctx.db, searchId) : undefined;
      if (searchId && (!search || search.tenant !== ctx.tenant)) throw badUserInput(`searchId "${searchId.slice(0, 40)}" is unknown or has expired: search again with input`, 'searchId');
      if (!search) {
        if (!args.input) throw badUserInput('give either input (a new search) or searchId (a page of an earlier one)', 'input');
        search = await runSearch(ctx, searchRequest(args.input));
        searchId = await storeSearch(ctx, search);
      }
      return { searchId: searchId!, results: pageOf(search.results, page, (r) => r.e164), providerErrors: search.providerErrors, complete: search.complete };
    },
  },
  Mutation: { ...reservationMutations, ...orderMutations },
  Number: {
    // The representation carries originatingCarrier when chainMatchesAllocation is asked (@requires).
    __resolveReference: (ref) => ref,
    holder: async (number, _args, ctx) => (await heldBy(ctx, number.e164))?.holder ?? null,
    tier: async (number, _args, ctx) => (await holderChain(ctx, number.e164))?.tier ?? null,
    tierChain: async (number, _args, ctx) => {
      const chain = await holderChain(ctx, number.e164);
      return chain ? links(chain) : [];
    },
    status: async (number, _args, ctx) => {
      const row = await visibleRow(ctx, number.e164);
      return row ? visibleStatus(row, ctx) : null;
    },
    history: async (number, args, ctx) => {
      const page = readPage(`Number.history:${number.e164}`, args, 20);
      return pageOf(await ctx.loaders.events.load(number.e164), page, (e) => String(e.id));
    },
    capabilities: async (number, _args, ctx) => {
      const row = await visibleRow(ctx, number.e164);
      if (!row) return [];
      const offers = await ctx.loaders.offers.load(number.e164);
      const holder = visibleHolderId(row, ctx);
      const offer = offers.find((o) => o.provider_id === holder) ?? offers[0];
      // the catalogue keeps the provider's words, the Capability enum's internal values
      return offer ? offer.capabilities.split(',').filter(isCapability) : [];
    },
    offers: async (number, args, ctx) => {
      const page = readPage(`Number.offers:${number.e164}`, args, 20);
      const offers = await sortedOffers(ctx, number.e164);
      // another tenant's reservation or assignment shows in the providers' feeds too: to this
      // caller each offer's status is what `status` says (UNAVAILABLE), not which of the two
      const row = await visibleRow(ctx, number.e164);
      const unavailable = row !== null && visibleStatus(row, ctx) === 'UNAVAILABLE';
      return pageOf(unavailable ? offers.map((o) => ({ ...o, unavailableToCaller: true })) : offers, page, (o) => o.offer.provider_id);
    },
    live: async (number, _args, ctx) => {
      // In step with holder and tierChain, so the holder's row (its batch limit) comes from their statement.
      const held = await heldBy(ctx, number.e164);
      if (!held) return null;
      const { row, holderId } = held;
      const live = await fromProvider(() => ctx.loaders.live.load(liveKey(holderId, number.e164)), 'live status');
      // Another tenant's reservation or assignment is, to this caller, not available: nothing more (not which of the two).
      if (live.found && visibleStatus(row, ctx) === 'UNAVAILABLE') return { ...live, available: false, status: 'unavailable' };
      return live;
    },
    chainMatchesAllocation: async (number, _args, ctx) => {
      const carrierId = (number as { originatingCarrier?: { id: string } | null }).originatingCarrier?.id;
      if (!carrierId) return null;
      const chain = await holderChain(ctx, number.e164);
      if (!chain) return null;
      return chain.carrierId === carrierId;
    },
    sellers: async (number, _args, ctx) => {
      const row = await visibleRow(ctx, number.e164);
      if (!row) return [];
      return Promise.all((await sortedOffers(ctx, number.e164)).map((model) => requiredProvider(ctx, model.offer.provider_id)));
    },
    declaredCarrier: async (number, _args, ctx) => {
      const chain = await holderChain(ctx, number.e164);
      return chain?.carrierId ? { id: chain.carrierId } : null;
    },
  },
  Provider: {
    __resolveReference: (ref, ctx) => ctx.loaders.providers.load(ref.id),
    carrier: (provider) => (provider.carrier_id ? { id: provider.carrier_id } : null),
    batchLimit: (provider) => provider.batch_limit,
    lastSyncedAt: (provider) => (provider.last_synced_at ? iso(provider.last_synced_at) : null),
    apiHealth: (provider, _args, ctx) => ctx.upstream.health(provider.id),
  },
  TierChainLink: {
    provider: (link, _args, ctx) => requiredProvider(ctx, link.providerId),
  },
  Offer: {
    provider: (model, _args, ctx) => requiredProvider(ctx, model.offer.provider_id),
    tier: (model) => model.chain.tier,
    tierChain: (model) => links(model.chain),
    declaredCarrier: (model) => (model.chain.carrierId ? { id: model.chain.carrierId } : null),
    setupPrice: (model) => money(model.offer.setup_amount, model.offer.setup_currency),
    monthlyPrice: (model) => money(model.offer.monthly_amount, model.offer.monthly_currency),
    providerStatus: (model) => (model.unavailableToCaller ? 'UNAVAILABLE' : lifecycle(model.offer.provider_status)),
    lastConfirmedAt: async (model, _args, ctx) => {
      // a live offer is confirmed by every sync of its provider (the provider's row keeps when), a
      // withdrawn one by the last feed that listed it
      const listed = new Date(model.offer.last_confirmed_at);
      if (model.offer.removed_at !== null) return listed.toISOString();
      const synced = (await requiredProvider(ctx, model.offer.provider_id)).last_synced_at;
      return (synced !== null && new Date(synced) > listed ? new Date(synced) : listed).toISOString();
    },
  },
  LiveStatus: {
    available: (live) => live.found && live.available,
    status: (live) => (live.found ? lifecycle(live.status) : null),
    setupPrice: (live) => (live.found ? live.setupPrice : null),
    monthlyPrice: (live) => (live.found ? live.monthlyPrice : null),
  },
  StatusTransition: {
    at: (event) => iso(event.at),
    from: (event) => (event.from_status ? lifecycle(event.from_status) : null),
    to: (event) => lifecycle(event.to_status),
  },
  Market: {
    __resolveReference: (ref) => ({ country: ref.country, numberType: ref.numberType }),
    totalNumbers: async (market, _args, ctx) => sum(await depthOf(ctx, market)),
    directNumbers: async (market, _args, ctx) => sum((await depthOf(ctx, market)).filter(isDirect)),
    resoldNumbers: async (market, _args, ctx) => sum((await depthOf(ctx, market)).filter((row) => !isDirect(row))),
    providers: (market, _args, ctx) => depthOf(ctx, market),
  },
  MarketProvider: {
    __resolveReference: async (ref, ctx) => {
      const key = parseMarketProviderId(ref.id);
      if (!key) return null;
      const rows = await depthOf(ctx, key);
      return rows.find((row) => row.provider_id === key.providerId && row.tier === key.tier) ?? null;
    },
    id: (row) => marketProviderId(row),
    provider: (row, _args, ctx) => requiredProvider(ctx, row.provider_id),
    direct: (row) => isDirect(row),
    chains: (row) => row.chains,
  },
  Order: {
    id: (model) => model.order.id,
    status: (model) => ORDER_STATUS[model.order.status],
    createdAt: (model) => iso(model.order.created_at),
    numbers: (model, _args, ctx) => model.lines ?? ctx.loaders.orderLines.load(model.order.id),
  },
  OrderLine: {
    status: (line) => LINE_STATUS[line.status],
    holder: (line, _args, ctx) => (line.provider_id ? ctx.loaders.providers.load(line.provider_id) : null),
    needsAttention: (line) => line.needs_attention,
    reason: (line) => (line.needs_attention ? line.attention_reason : null),
  },
  NumberResult: {
    number: (result) => ({ e164: result.e164 }),
  },
  SearchResult: {
    number: (result) => ({ e164: result.e164 }),
  },
  SearchOffer: {
    provider: (offer, _args, ctx) => requiredProvider(ctx, offer.providerId),
  },
  ProviderError: {
    provider: (error, _args, ctx) => requiredProvider(ctx, error.providerId),
  },
};

const depthOf = (ctx: Context, market: { country: string; numberType: string }) =>
  ctx.loaders.marketDepth.load(repo.marketKey({ country: market.country, number_type: market.numberType }));
/** `GB:MOBILE:<provider>:<tier>` (tier empty for a broken chain): a MarketProvider row's entity id. */
const marketProviderId = (row: repo.DepthRow) => [row.country, row.number_type, row.provider_id, row.tier ?? ''].join(':');
function parseMarketProviderId(id: string): { country: string; numberType: string; providerId: string; tier: number | null } | null {
  const match = /^([A-Z]{2}):([A-Z_]{1,32}):([^:]{1,100}):(\d{0,2})$/.exec(id);
  if (!match) return null;
  return { country: match[1]!, numberType: match[2]!, providerId: match[3]!, tier: match[4] === '' ? null : Number(match[4]) };
}

/** Whether the country's numbering plan (libphonenumber's metadata) has numbers of this type. */
export function planHasType(country: string, numberType: string): boolean {
  if (numberType === 'UNKNOWN' || !isSupportedCountry(country)) return false;
  const metadata = new Metadata();
  metadata.selectNumberingPlan(country);
  const plan: object = metadata.numberingPlan!;
  // the plan answers type(name) (its patterns of that type, undefined without) though its typings omit it
  const has = (type: string): boolean => 'type' in plan && typeof plan.type === 'function' && !!plan.type.call(plan, type);
  if (numberType === 'FIXED_LINE_OR_MOBILE') return has('FIXED_LINE') && has('MOBILE');
  return has(numberType);
}

const isDirect = (row: repo.DepthRow) => row.tier !== null && row.tier <= 1;
const sum = (rows: repo.DepthRow[]) => rows.reduce((total, row) => total + row.numbers, 0);
