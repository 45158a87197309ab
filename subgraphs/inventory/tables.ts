/** The `inventory` schema's tables: providers, offers, numbers and their events, orders, order lines, outbox, stored searches and MarketDepth's counts. */
import type { Generated, Selectable } from 'kysely';
import type { NumberStatus } from '../../providers/api.js';

/** The `inventory` schema: the catalogue synced from providers' feeds, lifecycle, orders. */
export interface InventoryTables {
  providers: ProviderTable;
  offers: OfferTable;
  numbers: NumberTable;
  number_events: NumberEventTable;
  orders: OrderTable;
  order_lines: OrderLineTable;
  outbox: OutboxTable;
  search_results: SearchResultTable;
  market_depth: MarketDepthTable;
  market_depth_changes: MarketDepthChangeTable;
}

export interface ProviderTable {
  id: string;
  name: string;
  base_url: string;
  /** Set when the provider is a carrier selling its own numbers (tier 0). */
  carrier_id: string | null;
  batch_limit: number;
  page_cap: number;
  feed_cursor: string | null;
  last_synced_at: Date | string | null;
  /** When a read of the feed from its start began, until it reaches the end (it may span syncs). */
  full_read_since: Date | string | null;
}

export interface OfferTable {
  provider_id: string;
  e164: string;
  country: string;
  number_type: string;
  region: string | null;
  area_code: string | null;
  /** Comma-separated: voice,sms,mms,fax. */
  capabilities: string;
  source_carrier_id: string | null;
  source_provider_id: string | null;
  setup_amount: string;
  setup_currency: string;
  monthly_amount: string;
  monthly_currency: string;
  /** The provider's status as its feed last said: available, reserved, assigned, aging, ported_out. */
  provider_status: string;
  changed_at: Date | string;
  last_confirmed_at: Date | string;
  removed_at: Date | string | null;
}

/** Lifecycle statuses kept here (the providers' own); UNAVAILABLE is only how another tenant's rows look. */
export type LifecycleStatus = NumberStatus;

export interface NumberTable {
  e164: string;
  country: string;
  number_type: string;
  holder_provider_id: string | null;
  status: LifecycleStatus;
  /** The tenant a reservation or assignment belongs to; null for stock. */
  tenant: string | null;
  reserved_until: Date | string | null;
  order_id: string | null;
  /** The provider a tenant ordered through: the holder as that tenant sees it. */
  assigned_via_provider_id: string | null;
  removed_at: Date | string | null;
  updated_at: Generated<Date | string>;
  /** Bumped by every change: the version of the number's events in the outbox. */
  version: Generated<number>;
  /**
   * The declared chain of the visible holder (coalesce(assigned_via_provider_id, holder_provider_id)),
   * as MarketDepth counts it: its tier, its providers comma-separated (holder first), its carrier;
   * all null when broken. Kept by the database (migration 20261202T190000): a trigger when the
   * holder changes, the sync's reconciliation when the offers do.
   */
  chain_tier: Generated<number | null>;
  chain_providers: Generated<string | null>;
  chain_carrier_id: Generated<string | null>;
}

export interface NumberEventTable {
  id: Generated<number>;
  e164: string;
  at: Generated<Date | string>;
  from_status: string | null;
  to_status: string;
  actor: string;
  reason: string;
  tenant: string | null;
}

export interface OrderTable {
  id: string;
  tenant: string;
  idempotency_key: string;
  input_hash: string;
  /** The end user the numbers are for (compliance's end user id), sent upstream as endUserRef; null without. */
  end_user_ref: Generated<string | null>;
  status: 'pending' | 'completed' | 'partial' | 'failed';
  created_at: Generated<Date | string>;
  version: Generated<number>;
}

export interface OrderLineTable {
  order_id: string;
  position: number;
  e164: string;
  status: 'pending' | 'completed' | 'failed';
  provider_id: string | null;
  upstream_provider_id: string | null;
  upstream_key: string | null;
  /** The provider's id for that upstream order, once it accepted it. */
  upstream_order_id: string | null;
  error_code: string | null;
  note: string | null;
  /** Where the line stands in its state machine (order-line.ts); `status` is how the tenant sees it. */
  state: Generated<LineState>;
  /** Providers that refused it so far, as a JSON array. */
  tried: Generated<string>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date | string>;
  lease_until: Date | string | null;
  lease_owner: string | null;
  needs_attention: Generated<boolean>;
  attention_reason: string | null;
  claimed_from: string | null;
}

export type LineState = 'claimed' | 'sent' | 'accepted' | 'pending' | 'completed' | 'failed';

export interface OutboxTable {
  id: Generated<number>;
  event_id: string;
  aggregate: 'number' | 'order';
  aggregate_id: string;
  version: number;
  type: string;
  tenant: string | null;
  provider_id: string | null;
  /** JSON. */
  payload: string;
  at: Generated<Date | string>;
  published_at: Date | string | null;
}

export interface SearchResultTable {
  id: string;
  tenant: string | null;
  /** The merged result as JSON. */
  result: string;
  /** Numbers in it: what the bound on kept results counts. */
  size: number;
  expires_at: Date | string;
}

/**
 * MarketDepth's counts: listed numbers with a visible holder, by market, holder and chain facts
 * (the numbers' chain_* columns), as of the last fold. Written only by the database's triggers
 * (through market_depth_changes) and the fold (repository.ts foldMarketDepthChanges).
 */
export interface MarketDepthTable {
  country: string;
  number_type: string;
  holder_id: string;
  chain_tier: number | null;
  chain_providers: string | null;
  chain_carrier_id: string | null;
  numbers: number;
}

/** A statement's net change of MarketDepth's counts, appended by a trigger on numbers until the next fold. */
export interface MarketDepthChangeTable extends MarketDepthTable {
  id: Generated<number>;
}

export type ProviderRow = Selectable<ProviderTable>;
export type OfferRow = Selectable<OfferTable>;
export type NumberRow = Selectable<NumberTable>;
export type NumberEventRow = Selectable<NumberEventTable>;
export type OrderRow = Selectable<OrderTable>;
export type OrderLineRow = Selectable<OrderLineTable>;
export type OutboxRow = Selectable<OutboxTable>;
