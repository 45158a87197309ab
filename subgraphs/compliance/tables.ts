import type { Generated, Selectable } from 'kysely';

export interface DocumentTable {
  provider_id: string;
  id: string;
  kind: 'wholesale_agreement' | 'allocation_record';
  counterparty: string | null;
  carrier_id: string | null;
  range_prefix: string | null;
  status: 'valid' | 'expired' | 'rejected';
  issued_on: string;
  expires_on: string | null;
  synced_at: Generated<Date>;
}

export interface ComplianceTables {
  documents: DocumentTable;
}

export type DocumentRow = Selectable<DocumentTable>;
