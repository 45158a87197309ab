import { sql, type Kysely } from 'kysely';
import { DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../shared/logger.js';
import type { InventoryEvent } from './outbox.js';
import type { InventoryTables, OutboxRow } from './tables.js';

/** The JetStream stream of the inventory's events, and its subjects: numbergraph.inventory.<type>, e.g. numbergraph.inventory.number.assigned. */
export const STREAM = 'NUMBERGRAPH_INVENTORY';
export const SUBJECT_PREFIX = 'numbergraph.inventory';

export type EventHandler = (event: InventoryEvent) => void | Promise<void>;

/** Where the relay publishes: NATS JetStream (distributed), or this process's subscribers (the embedded default). */
export interface EventBus {
  publish(event: InventoryEvent): Promise<void>;
  /** Every event from now on (JetStream: from the stream's start with `fromStart`), each as delivered: possibly more than once. */
  subscribe(handler: EventHandler, options?: { fromStart?: boolean }): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Delivers to this process's subscribers, after the publisher's transaction has moved on (a subscriber may query the database). */
export function inProcessBus(): EventBus {
  const handlers = new Set<EventHandler>();
  return {
    publish: async (event) => {
      for (const handler of handlers) setImmediate(() => void Promise.resolve(handler(event)).catch(() => undefined));
    },
    subscribe: async (handler) => {
      handlers.add(handler);
      return async () => void handlers.delete(handler);
    },
    close: async () => handlers.clear(),
  };
}

/** NATS JetStream at `url`: the stream is created when missing; each event's id is its message id (the stream drops repeats within its window). */
export async function jetStreamBus(url: string): Promise<EventBus> {
  const nc: NatsConnection = await connect({ servers: url, name: 'numbergraph-inventory', timeout: 5000 });
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(STREAM);
  } catch {
    await jsm.streams.add({ name: STREAM, subjects: [`${SUBJECT_PREFIX}.>`], max_age: 7 * 24 * 3600 * 1e9 });
  }
  const js: JetStreamClient = jetstream(nc);
  return {
    publish: async (event) => {
      await js.publish(`${SUBJECT_PREFIX}.${event.type}`, JSON.stringify(event), { msgID: event.id });
    },
    subscribe: async (handler, options = {}) => {
      const consumer = await js.consumers.get(STREAM, options.fromStart ? {} : { deliver_policy: DeliverPolicy.New });
      const messages = await consumer.consume();
      void (async () => {
        for await (const message of messages) await handler(message.json<InventoryEvent>());
      })().catch(() => undefined);
      return async () => void (await messages.close());
    },
    close: async () => {
      if (!nc.isClosed()) await nc.drain();
    },
  };
}

/**
 * A consumer's side of at-least-once delivery: each event id is handled once (a repeat, from a
 * relay that died between publishing and recording it, or a redelivery, is dropped). Remembers
 * the last `remember` ids; a consumer that must never repeat an effect keeps them with the effect.
 */
export function dedupe(handler: EventHandler, remember = 100_000): EventHandler {
  const seen = new Set<string>();
  return async (event) => {
    if (seen.has(event.id)) return;
    seen.add(event.id);
    if (seen.size > remember) seen.delete(seen.values().next().value!);
    await handler(event);
  };
}

export function toEvent(row: OutboxRow): InventoryEvent {
  return {
    id: row.event_id,
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
  const bus = options.bus ?? (options.natsUrl ? await jetStreamBus(options.natsUrl) : inProcessBus());
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
