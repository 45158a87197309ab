/** The outbox relay: publishes inventory's events in order, at least once, one relay at a time, and prunes published ones. */
import { sql, type Kysely } from 'kysely';
import type { Logger } from '../../../platform/logger.js';
import { acquireEventBus, type EventBus } from '../../../platform/events.js';
import type { InventoryEvent } from '../store/outbox.js';
import type { InventoryTables, OutboxRow } from '../tables.js';

export function toEvent(row: OutboxRow): InventoryEvent {
  return {
    id: row.event_id,
    source: 'inventory',
    aggregate: row.aggregate,
    aggregateId: row.aggregate_id,
    version: row.version,
    type: row.type,
    tenant: row.tenant,
    providerId: row.provider_id,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    at: new Date(row.at).toISOString(),
  };
}

const BATCH = 200;
/** Published events are kept this long for operators, then deleted. */
const KEEP_PUBLISHED_DAYS = 7;

export interface RelayOptions {
  natsUrl: string | null;
  /** The deployment's events namespace (EVENTS_NAMESPACE); 'numbergraph' when not given. */
  namespace?: string;
  /** Postgres shared by instances: one relay at a time publishes (advisory lock), so events go out in order. */
  shared: boolean;
  logger: Logger;
  intervalMs?: number;
  /** A bus of the caller's (not closed by `stop`); else one for natsUrl. */
  bus?: EventBus;
  /** Tests: called after each event is published, before the batch is recorded as published. */
  afterPublish?: (event: InventoryEvent) => void;
}

export interface EventRelay {
  bus: EventBus;
  /** Publishes what is waiting, in outbox order; returns how many it published. */
  publishPending(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Publishes the outbox, oldest first, at least once: a batch is marked published in the
 * transaction that read it, after every event of it was acknowledged; a relay that dies before
 * that commit leaves the batch to be published again (consumers dedupe by id). Events of one
 * number were written under its row lock, so outbox order is their order.
 */
export async function startRelay(db: Kysely<InventoryTables>, options: RelayOptions): Promise<EventRelay> {
  const bus = options.bus ?? (await acquireEventBus(options.natsUrl, options.namespace));
  let passes = 0;
  const publishBatch = () =>
    db.transaction().execute(async (tx) => {
      if (options.shared) {
        const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtext('inventory.relay')) as locked`.execute(tx);
        if (!rows[0]?.locked) return 0;
      }
      const rows = await tx.selectFrom('outbox').selectAll().where('published_at', 'is', null).orderBy('id').limit(BATCH).execute();
      const published: number[] = [];
      try {
        for (const row of rows) {
          const event = toEvent(row);
          await bus.publish(event);
          options.afterPublish?.(event);
          published.push(row.id);
        }
      } finally {
        if (published.length > 0) await tx.updateTable('outbox').set({ published_at: sql`now()` }).where('id', 'in', published).execute();
      }
      if (++passes % 1000 === 0) await tx.deleteFrom('outbox').where('published_at', '<', sql<Date>`now() - ${KEEP_PUBLISHED_DAYS} * interval '1 day'`).execute();
      return published.length;
    });
  const publishPending = async () => {
    let total = 0;
    for (;;) {
      const n = await publishBatch();
      total += n;
      if (n < BATCH) return total;
    }
  };
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  let stopped = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    running = publishPending()
      .catch((error: unknown) => options.logger.warn({ err: error }, 'relay: publishing failed; retried'))
      .finally(() => (busy = false));
  }, options.intervalMs ?? 200);
  timer.unref();
  options.logger.info({ to: options.natsUrl ? 'nats jetstream' : 'in-process' }, 'relay: publishing the outbox');
  return {
    bus,
    publishPending,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await running;
      if (!options.bus) await bus.close();
    },
  };
}
