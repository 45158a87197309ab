/** The webhook store: tenants' endpoints (bounded, secrets rotated), delivery attempts, and queueing an event for each subscribed endpoint. */
import { sql, type Kysely } from 'kysely';
import type { AttemptRow, EndpointRow, RoutingTables } from '../tables.js';

type Db = Kysely<RoutingTables>;

export const TOPICS = ['NUMBER', 'ORDER', 'ROUTE', 'PORT'] as const;
export type Topic = (typeof TOPICS)[number];
export const MAX_ENDPOINTS_PER_TENANT = 20;

const endpointColumns = ['id', 'tenant', 'url', 'topics', 'secret', 'previous_secret', 'previous_until', 'seq', 'created_at', 'deleted_at'] as const;

export async function countEndpoints(db: Db, tenant: string): Promise<number> {
  const row = await db.selectFrom('webhook_endpoints').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant', '=', tenant).where('deleted_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertEndpoint(db: Db, row: { id: string; tenant: string; url: string; topics: string; secret: string }): Promise<EndpointRow> {
  return (await db.insertInto('webhook_endpoints').values(row).returning(endpointColumns).executeTakeFirstOrThrow()) as EndpointRow;
}

/** The tenant's live endpoint by id; null for another tenant's, a deleted or an unknown one. */
export async function findEndpoint(db: Db, tenant: string, id: string): Promise<EndpointRow | null> {
  if (id.includes('\u0000')) return null;
  return ((await db.selectFrom('webhook_endpoints').select(endpointColumns).where('id', '=', id).where('tenant', '=', tenant).where('deleted_at', 'is', null).executeTakeFirst()) ?? null) as EndpointRow | null;
}

/** Endpoints by id (the delivery worker's: any tenant, deleted ones included): one statement. */
export async function endpointsByIds(db: Db, ids: readonly string[]): Promise<EndpointRow[]> {
  return (await db.selectFrom('webhook_endpoints').select(endpointColumns).where('id', 'in', ids).execute()) as EndpointRow[];
}

/** The new secret; the old one stays valid until `until`. */
export async function rotateSecret(db: Db, tenant: string, id: string, secret: string, graceMs: number): Promise<EndpointRow | null> {
  return ((await db
    .updateTable('webhook_endpoints')
    .set({ previous_secret: sql`secret`, previous_until: sql`now() + ${graceMs} * interval '1 millisecond'`, secret })
    .where('id', '=', id)
    .where('tenant', '=', tenant)
    .where('deleted_at', 'is', null)
    .returning(endpointColumns)
    .executeTakeFirst()) ?? null) as EndpointRow | null;
}

export async function deleteEndpoint(db: Db, tenant: string, id: string): Promise<EndpointRow | null> {
  if (id.includes('\u0000')) return null;
  const row = (await db.updateTable('webhook_endpoints').set({ deleted_at: sql`now()` }).where('id', '=', id).where('tenant', '=', tenant).where('deleted_at', 'is', null).returning(endpointColumns).executeTakeFirst()) ?? null;
  if (row) await db.updateTable('webhook_messages').set({ state: 'failed' }).where('endpoint_id', '=', id).where('state', '=', 'pending').execute();
  return row as EndpointRow | null;
}

/** A page of the tenant's live endpoints after `afterSeq`, oldest first. */
export async function listEndpoints(db: Db, tenant: string, afterSeq: string | null, limit: number): Promise<EndpointRow[]> {
  let q = db.selectFrom('webhook_endpoints').select(endpointColumns).where('tenant', '=', tenant).where('deleted_at', 'is', null);
  if (afterSeq !== null) q = q.where('seq', '>', afterSeq);
  return (await q.orderBy('seq').limit(limit).execute()) as EndpointRow[];
}

/** A page of the tenant's delivery attempts before `beforeId`, newest first. */
export async function listAttempts(db: Db, tenant: string, endpointId: string | null, beforeId: string | null, limit: number): Promise<AttemptRow[]> {
  let q = db.selectFrom('webhook_attempts').selectAll().where('tenant', '=', tenant);
  if (endpointId !== null) q = q.where('endpoint_id', '=', endpointId);
  if (beforeId !== null) q = q.where('id', '<', beforeId);
  return (await q.orderBy('id', 'desc').limit(limit).execute()) as AttemptRow[];
}

export interface OutgoingEvent {
  id: string;
  type: string;
  tenant: string;
  topic: Topic;
  /** Deliveries with the same key (a number's e164, an order's id) go out in order. */
  orderingKey: string;
  at: string;
  data: Record<string, unknown>;
}

/** The JSON body a receiver gets (Standard Webhooks: type, timestamp, data; and the event's id). */
export const webhookBody = (event: OutgoingEvent) => JSON.stringify({ id: event.id, type: event.type, timestamp: event.at, data: event.data });

/** Queues the event for each of the tenant's endpoints that wants its topic, once per endpoint and event id; returns how many. */
export async function enqueue(db: Db, event: OutgoingEvent): Promise<number> {
  const endpoints = await db.selectFrom('webhook_endpoints').select(['id', 'topics']).where('tenant', '=', event.tenant).where('deleted_at', 'is', null).execute();
  const wanted = endpoints.filter((e) => e.topics.split(',').includes(event.topic));
  if (wanted.length === 0) return 0;
  const body = webhookBody(event);
  const result = await db
    .insertInto('webhook_messages')
    .values(wanted.map((e) => ({ endpoint_id: e.id, tenant: event.tenant, event_id: event.id, event_type: event.type, ordering_key: event.orderingKey, body, state: 'pending' as const, next_attempt_at: sql`now()` })))
    .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}
