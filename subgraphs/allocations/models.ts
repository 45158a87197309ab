/** The allocations resolvers' parent types: the rows the repository reads, number and country keys, and their connections. */
import type { Connection } from '../../platform/pagination.js';
import type { CountrySource } from './context.js';
import type { AuthorityRow, BlockHistoryRow, BlockRow, CarrierRow } from './tables.js';

/** What a resolver of these types receives as its parent: the row as the repository reads it. */
export type BlockModel = BlockRow;
export type CarrierModel = CarrierRow;
export type AuthorityModel = AuthorityRow;
export interface BlockSourceModel {
  id: string;
  line: number;
}
/** A number is known by its key alone; its fields come from the per-request number-plan loader. */
export interface NumberModel {
  e164: string;
}
export type AuthorityConnectionModel = Connection<AuthorityRow>;
export type CarrierConnectionModel = Connection<CarrierRow>;
export type BlockConnectionModel = Connection<BlockRow>;
export type BlockChangeModel = BlockHistoryRow;
export type BlockChangeConnectionModel = Connection<BlockHistoryRow>;
/** A country of the plan: its other fields come from per-request loaders. */
export interface CountryPlanModel {
  country: string;
  callingCode: string;
}
export type CountryPlanConnectionModel = Connection<CountryPlanModel>;
export type CountrySourceConnectionModel = Connection<CountrySource>;
