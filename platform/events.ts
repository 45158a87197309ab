/** The event bus between subgraphs: NATS JetStream or in-process, durable consumers, one shared bus per process, and dedupe by event id. */
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DEFAULT_EVENTS_NAMESPACE, EVENTS_NAMESPACE_PATTERN } from './settings-schema.js';

/**
 * The event bus between subgraphs: a subgraph writes its events to its own outbox, its relay
 * publishes them here, and another subgraph follows them without reading the publisher's
 * tables. NATS JetStream (NATS_URL) in the distributed shape; in one process (the embedded
 * default) the subscribers of this process.
 */

/**
 * Who publishes: each source has its own stream, <NAMESPACE>_<SOURCE>, subjects
 * <namespace>.<source>.<type> (namespace 'numbergraph' unless EVENTS_NAMESPACE says otherwise).
 */
export type EventSource = 'inventory' | 'compliance' | 'routing';

export interface DomainEvent {
  /** Unique per event: what a consumer deduplicates by. */
  id: string;
  /** The subgraph that published it; absent on events written before sources existed (inventory's). */
  source?: EventSource;
  /** What changed, e.g. 'number', 'order', 'registration'. */
  aggregate: string;
  /** The aggregate's id, e.g. a number's e164 or an order's id. */
  aggregateId: string;
  /** The aggregate's version after this change: 1, 2, 3... per aggregate. */
  version: number;
  /** e.g. number.assigned, number.released, order.settled, registration.approved. */
  type: string;
  tenant: string | null;
  providerId: string | null;
  payload: Record<string, unknown>;
  at: string;
}

export type EventHandler = (event: DomainEvent) => void | Promise<void>;

export interface SubscribeOptions {
  /** Whose events; inventory's by default. */
  source?: EventSource;
  /** Every event the stream still holds first (JetStream); else from now on. */
  fromStart?: boolean;
  /**
   * A durable consumer's name (JetStream): delivery resumes where this name left off, also
   * across restarts, and an event is redelivered until its handler returns without throwing.
   * In one process there is nothing to resume: events published while nobody listened are gone.
   */
  durable?: string;
  /** Where a durable consumer created now starts: every event the stream holds (default) or the next one. */
  durableFrom?: 'all' | 'new';
}

export interface EventBus {
  publish(event: DomainEvent): Promise<void>;
  /** Each event as delivered: possibly more than once (wrap the handler in `dedupe`). */
  subscribe(handler: EventHandler, options?: SubscribeOptions): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export const streamName = (source: EventSource, namespace = DEFAULT_EVENTS_NAMESPACE) => `${namespace.toUpperCase()}_${source.toUpperCase()}`;
export const subjectPrefix = (source: EventSource, namespace = DEFAULT_EVENTS_NAMESPACE) => `${namespace}.${source}`;
const sourceOf = (event: DomainEvent): EventSource => event.source ?? 'inventory';

/** Delivers to this process's subscribers, after the publisher's transaction has moved on (a subscriber may query the database). */
export function inProcessBus(): EventBus {
  const handlers = new Map<EventHandler, EventSource>();
  return {
    publish: async (event) => {
      for (const [handler, source] of handlers) {
        if (source === sourceOf(event)) setImmediate(() => void Promise.resolve(handler(event)).catch(() => undefined));
      }
    },
    subscribe: async (handler, options = {}) => {
      handlers.set(handler, options.source ?? 'inventory');
      return async () => void handlers.delete(handler);
    },
    close: async () => handlers.clear(),
  };
}

/** How long a failed durable delivery waits before it is redelivered. */
const REDELIVER_AFTER_MS = 1000;

/** NATS JetStream at `url`: each source's stream is created when missing; each event's id is its message id (the stream drops repeats within its window). */
export async function jetStreamBus(url: string, namespace = DEFAULT_EVENTS_NAMESPACE, clientName = 'numbergraph'): Promise<EventBus> {
  if (!EVENTS_NAMESPACE_PATTERN.test(namespace)) throw new Error(`events namespace "${namespace}" must be lower-case letters, digits, '-' or '_', starting with a letter, at most 48`);
  const streamOf = (source: EventSource) => streamName(source, namespace);
  const subjectsOf = (source: EventSource) => subjectPrefix(source, namespace);
  const nc: NatsConnection = await connect({ servers: url, name: clientName, timeout: 5000 });
  const jsm: JetStreamManager = await jetstreamManager(nc);
  const js: JetStreamClient = jetstream(nc);
  const ensured = new Map<EventSource, Promise<void>>();
  const ensureStream = (source: EventSource) => {
    let ready = ensured.get(source);
    if (!ready) {
      ready = jsm.streams.info(streamOf(source)).then(
        () => undefined,
        async () => void (await jsm.streams.add({ name: streamOf(source), subjects: [`${subjectsOf(source)}.>`], max_age: 7 * 24 * 3600 * 1e9 })),
      );
      ready.catch(() => ensured.delete(source));
      ensured.set(source, ready);
    }
    return ready;
  };
  return {
    publish: async (event) => {
      const source = sourceOf(event);
      await ensureStream(source);
      await js.publish(`${subjectsOf(source)}.${event.type}`, JSON.stringify(event), { msgID: event.id });
    },
    subscribe: async (handler, options = {}) => {
      const source = options.source ?? 'inventory';
      await ensureStream(source);
      if (options.durable) {
        const stream = streamOf(source);
        await jsm.consumers.info(stream, options.durable).catch(() =>
          jsm.consumers.add(stream, { durable_name: options.durable, ack_policy: AckPolicy.Explicit, deliver_policy: options.durableFrom === 'new' ? DeliverPolicy.New : DeliverPolicy.All }),
        );
        const messages = await (await js.consumers.get(stream, options.durable)).consume();
        void (async () => {
          for await (const message of messages) {
            try {
              await handler(message.json<DomainEvent>());
              message.ack();
            } catch {
              message.nak(REDELIVER_AFTER_MS);
            }
          }
        })().catch(() => undefined);
        return async () => void (await messages.close());
      }
      const consumer = await js.consumers.get(streamOf(source), options.fromStart ? {} : { deliver_policy: DeliverPolicy.New });
      const messages = await consumer.consume();
      void (async () => {
        for await (const message of messages) await handler(message.json<DomainEvent>());
      })().catch(() => undefined);
      return async () => void (await messages.close());
    },
    close: async () => {
      if (!nc.isClosed()) await nc.drain();
    },
  };
}

/**
 * One bus per process and address, shared by the subgraphs of the embedded default (so the
 * compliance and routing subgraphs hear what the inventory's relay publishes in the same
 * process); each caller's `close` releases its share, the last one closes the bus.
 */
const shared = new Map<string, { bus: Promise<EventBus>; users: number }>();

export async function acquireEventBus(natsUrl: string | null, namespace = DEFAULT_EVENTS_NAMESPACE): Promise<EventBus> {
  const key = natsUrl ? `${natsUrl} ${namespace}` : 'in-process';
  let entry = shared.get(key);
  if (!entry) {
    entry = { bus: natsUrl ? jetStreamBus(natsUrl, namespace) : Promise.resolve(inProcessBus()), users: 0 };
    entry.bus.catch(() => shared.delete(key));
    shared.set(key, entry);
  }
  const held = entry;
  held.users++;
  const bus = await held.bus;
  let released = false;
  return {
    publish: (event) => bus.publish(event),
    subscribe: (handler, options) => bus.subscribe(handler, options),
    close: async () => {
      if (released) return;
      released = true;
      if (--held.users === 0) {
        shared.delete(key);
        await bus.close();
      }
    },
  };
}

/**
 * A consumer's side of at-least-once delivery: each event id is handled once (a repeat, from a
 * relay that died between publishing and recording it, or a redelivery, is dropped). Remembers
 * the last `remember` ids; a consumer that must never repeat an effect keeps them with the
 * effect (in its own table, in the effect's transaction). A handler that throws leaves the id
 * unseen, so a redelivery is handled again.
 */
export function dedupe(handler: EventHandler, remember = 100_000): EventHandler {
  const seen = new Set<string>();
  const inFlight = new Set<string>();
  return async (event) => {
    if (seen.has(event.id) || inFlight.has(event.id)) return;
    inFlight.add(event.id);
    try {
      await handler(event);
      seen.add(event.id);
      if (seen.size > remember) seen.delete(seen.values().next().value!);
    } finally {
      inFlight.delete(event.id);
    }
  };
}
