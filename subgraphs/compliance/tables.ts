/** The `compliance` schema's tables: provider documents, end users and their documents, submissions, expiry announcements, assignments. */
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

export interface EndUserTable {
  id: string;
  tenant: string;
  type: 'individual' | 'business';
  name: string;
  address: { country: string; locality: string | null; street: string | null; postalCode: string | null } | null;
  created_at: Generated<Date>;
}

export interface EndUserDocumentTable {
  id: string;
  end_user_id: string;
  type: string;
  file_name: string;
  sha256: string;
  size: number;
  content: Buffer;
  uploaded_at: Generated<Date>;
}

export interface SubmissionTable {
  end_user_id: string;
  provider_id: string;
  registration_id: string;
  country: string;
  number_type: string;
  submitted_at: Generated<Date>;
  /** The review state last seen at the provider (null before the first look). */
  status: Generated<string | null>;
  /** Bumped at each change of status: the version of its events. */
  version: Generated<number>;
}

export interface ExpiryAnnouncementTable {
  provider_id: string;
  document_id: string;
  expires_on: string;
  announced_at: Generated<Date>;
}

export interface AssignmentTable {
  e164: string;
  tenant: string;
  end_user_id: string | null;
  provider_id: string | null;
  version: number;
  assigned_at: Generated<Date>;
}

export interface ComplianceTables {
  assignments: AssignmentTable;
  expiry_announcements: ExpiryAnnouncementTable;
  documents: DocumentTable;
  end_users: EndUserTable;
  end_user_documents: EndUserDocumentTable;
  submissions: SubmissionTable;
}

export type EndUserRow = Selectable<EndUserTable>;
export type EndUserDocumentRow = Selectable<EndUserDocumentTable>;

export type DocumentRow = Selectable<DocumentTable>;
export type AssignmentRow = Selectable<AssignmentTable>;
