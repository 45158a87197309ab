/** The inventory's transactional outbox: each number or order change writes its event in the change's own transaction. */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DomainEvent } from '../../../platform/events.js';
import type { InventoryTables } from '../tables.js';

/**
 * The transactional outbox: every change of a number or an order writes its event here, in the
 * transaction of the change (so an event exists exactly when its change committed). The relay
 * (relay.ts) publishes them, in order, at least once; consumers drop repeats by `id`.
 */
export interface InventoryEvent extends DomainEvent {
  source?: 'inventory';
  aggregate: 'number' | 'order';
  /** e.g. number.claimed, number.assigned, number.returned, number.reserved, number.released, number.expired, number.holder_changed, order.line_settled, order.settled. */
  type: string;
}

export type NewEvent = Omit<InventoryEvent, 'id' | 'at' | 'source'>;

const CHUNK = 500;

/** Writes events in the caller's transaction. */
export async function writeEvents(db: Kysely<InventoryTables>, events: NewEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += CHUNK) {
    await db
      .insertInto('outbox')
      .values(
        events.slice(i, i + CHUNK).map((e) => ({
          event_id: randomUUID(),
          aggregate: e.aggregate,
          aggregate_id: e.aggregateId,
          version: e.version,
          type: e.type,
          tenant: e.tenant,
          provider_id: e.providerId,
          payload: JSON.stringify(e.payload),
        })),
      )
      .execute();
  }
}

/** A number's event: its version from the row the change just updated (`returning version`). */
export const numberEvent = (row: { e164: string; version: number }, type: string, tenant: string | null, providerId: string | null, payload: Record<string, unknown> = {}): NewEvent => ({
  aggregate: 'number',
  aggregateId: row.e164,
  version: row.version,
  type,
  tenant,
  providerId,
  payload,
});
