/** The `allocations` schema's tables: authorities, carriers, blocks, sources, block history and source coverage per country. */
import type { Generated, Insertable, Selectable } from 'kysely';

/** The `allocations` schema: the numbering plan, as the authorities and libphonenumber publish it. */
export interface AllocationsTables {
  authorities: AuthorityTable;
  carriers: CarrierTable;
  blocks: BlockTable;
  sources: SourceTable;
  block_history: BlockHistoryTable;
  source_countries: SourceCountryTable;
}

export interface AuthorityTable {
  id: string;
  name: string;
  full_name: string;
  /** ISO 3166-1 alpha-2; null for the ITU, which assigns the non-geographic calling codes. */
  country: string | null;
  oversight: string | null;
  known: boolean;
}

export interface CarrierTable {
  id: string;
  name: string;
  ocn: string | null;
  /** The code the authority knows the carrier by (OCN, ARCEP operator code); a rename keeps it. */
  operator_code: string | null;
  country: string | null;
  authority_id: string;
}

export interface BlockTable {
  id: string;
  source_id: string;
  /** Leading E.164 digits without `+`. */
  prefix: string;
  /** Lower wins when blocks of several sources cover a number: the authority's file first. */
  precedence: number;
  country: string | null;
  authority_id: string;
  carrier_id: string | null;
  status: string | null;
  allocated_on: string | null;
  region: string | null;
  number_length: number | null;
  /** The line of the source file the block came from. */
  line: number;
}

export interface SourceTable {
  id: string;
  title: string;
  files: string;
  sha256: string;
  rows_read: number;
  blocks_loaded: number;
  rows_skipped: number;
  imported_at: Generated<Date>;
  /** The date of the published snapshot (YYYY-MM-DD); null where the files do not say. */
  snapshot_date: string | null;
  /** AUTHORITY_FILE, CARRIER_PREFIXES or GEOGRAPHY. */
  kind: string | null;
}

/** One change of one block between two snapshots of its source. */
export interface BlockHistoryTable {
  id: Generated<number>;
  block_id: string;
  source_id: string;
  prefix: string;
  /** APPEARED, WITHDRAWN or CHANGED (holder or status). */
  change: string;
  holder_before: string | null;
  holder_after: string | null;
  status_before: string | null;
  status_after: string | null;
  snapshot_before: string | null;
  snapshot_after: string | null;
  recorded_at: Generated<Date>;
}

export interface SourceCountryTable {
  source_id: string;
  country: string;
  blocks: number;
}

export type AuthorityRow = Selectable<AuthorityTable>;
export type CarrierRow = Selectable<CarrierTable>;
export type BlockRow = Selectable<BlockTable>;
export type SourceRow = Selectable<SourceTable>;
export type BlockHistoryRow = Selectable<BlockHistoryTable>;
export type SourceCountryRow = Selectable<SourceCountryTable>;
export type NewBlockHistory = Insertable<BlockHistoryTable>;
export type NewBlock = Insertable<BlockTable>;
export type NewCarrier = Insertable<CarrierTable>;
export type NewAuthority = Insertable<AuthorityTable>;
