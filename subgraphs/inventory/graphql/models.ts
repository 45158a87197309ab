/** The inventory resolvers' parent types: numbers, providers, offers, markets, live status, searches, orders and their connections. */
import type { Capability, Money, NumberStatus, StatusResult } from '../../../providers/api.js';
import type { Connection } from '../../../platform/pagination.js';
import type { Chain } from '../domain/chain.js';
import type { DepthRow } from '../store/repository.js';
import type { NumberEventRow, OfferRow, OrderLineRow, OrderRow, ProviderRow } from '../tables.js';
import type { ProviderHealth } from '../upstream/upstream.js';

/** What a resolver of these types receives as its parent. */
export interface NumberModel {
  e164: string;
}
export type ProviderModel = ProviderRow;
export interface CarrierModel {
  id: string;
}
export interface TierChainLinkModel {
  position: number;
  providerId: string;
}
export interface OfferModel {
  offer: OfferRow;
  chain: Chain;
  /** The number is another tenant's (reserved or assigned): its status shows as UNAVAILABLE to this caller. */
  unavailableToCaller?: boolean;
}
export interface MarketModel {
  country: string;
  numberType: string;
}
export type MarketProviderModel = DepthRow;
export type ApiHealthModel = ProviderHealth;
/** A number's status as a caller may see it: a provider's status, or unavailable (another tenant's number), which no provider reports. */
export type VisibleStatus = NumberStatus | 'unavailable';
export type LiveStatusModel = (Omit<Extract<StatusResult, { found: true }>, 'status'> & { status: VisibleStatus }) | Extract<StatusResult, { found: false }>;
export type StatusTransitionModel = NumberEventRow;
export interface SearchOfferModel {
  providerId: string;
  setupPrice: Money;
  monthlyPrice: Money;
}
export interface SearchResultModel {
  e164: string;
  region: string | null;
  capabilities: Capability[];
  offers: SearchOfferModel[];
}
export interface ProviderErrorModel {
  providerId: string;
  code: 'UNAVAILABLE' | 'TIMEOUT';
  message: string;
}
export interface SearchNumbersPayloadModel {
  searchId: string;
  results: Connection<SearchResultModel>;
  providerErrors: ProviderErrorModel[];
  complete: boolean;
}
/** An order, with its lines when the mutation that placed it has them at hand (else loaded by id). */
export interface OrderModel {
  order: OrderRow;
  lines?: OrderLineRow[];
}
export type OrderLineModel = OrderLineRow;
export interface NumberResultModel {
  e164: string;
  ok: boolean;
}
export type NumberConnectionModel = Connection<NumberModel>;
export type ProviderConnectionModel = Connection<ProviderRow>;
export type MarketConnectionModel = Connection<MarketModel>;
export type OfferConnectionModel = Connection<OfferModel>;
export type StatusTransitionConnectionModel = Connection<NumberEventRow>;
export type SearchResultConnectionModel = Connection<SearchResultModel>;
export type OrderConnectionModel = Connection<OrderModel>;
