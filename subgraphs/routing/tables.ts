/** The `routing` schema's tables: holdings, routes with trunks, consumed events, webhook endpoints, messages and attempts. */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface HoldingsTable {
  e164: string;
  tenant: string | null;
  provider_id: string | null;
  reference: string | null;
  /** Comma-separated, e.g. 'voice,sms': the capabilities of the offer it was assigned from; null when the event did not say. */
  capabilities: string | null;
  version: number;
  updated_at: Timestamp;
}

export interface StoredTrunk {
  uri: string;
  transport: 'UDP' | 'TCP' | 'TLS';
  priority: number;
  weight: number;
}

export interface RoutesTable {
  e164: string;
  tenant: string;
  provider_id: string;
  reference: string;
  trunks: ColumnType<StoredTrunk[] | null, string | null, string | null>;
  messaging_uri: string | null;
  state: 'PENDING' | 'ACTIVE' | 'FAILED';
  reason: string | null;
  version: Generated<number>;
  updated_at: Timestamp;
}

export interface ConsumedEventsTable {
  event_id: string;
  at: Timestamp;
}

export interface WebhookEndpointsTable {
  id: string;
  tenant: string;
  url: string;
  /** Comma-separated WebhookTopic values. */
  topics: string;
  secret: string;
  previous_secret: string | null;
  previous_until: Timestamp | null;
  seq: Generated<string>;
  created_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface WebhookMessagesTable {
  seq: Generated<string>;
  endpoint_id: string;
  tenant: string;
  event_id: string;
  event_type: string;
  ordering_key: string;
  body: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  created_at: Timestamp;
}

export interface WebhookAttemptsTable {
  id: Generated<string>;
  message_seq: string;
  endpoint_id: string;
  tenant: string;
  event_id: string;
  event_type: string;
  attempt: number;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  next_attempt_at: Timestamp | null;
  attempted_at: Timestamp;
}

export interface RoutingTables {
  holdings: HoldingsTable;
  routes: RoutesTable;
  consumed_events: ConsumedEventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_messages: WebhookMessagesTable;
  webhook_attempts: WebhookAttemptsTable;
}

export type HoldingRow = Omit<HoldingsTable, "updated_at"> & { updated_at: Date };
export type RouteRow = Omit<RoutesTable, 'version' | 'trunks' | 'updated_at'> & { version: number; trunks: StoredTrunk[] | null; updated_at: Date };
export type EndpointRow = Omit<WebhookEndpointsTable, 'seq' | 'created_at' | 'previous_until' | 'deleted_at'> & { seq: string; created_at: Date; previous_until: Date | null; deleted_at: Date | null };
export type AttemptRow = Omit<WebhookAttemptsTable, 'id' | 'attempted_at' | 'next_attempt_at'> & { id: string; attempted_at: Date; next_attempt_at: Date | null };
