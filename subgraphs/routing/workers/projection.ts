/** Follows inventory's events as a durable consumer: who holds which number, routes removed on release, tenants' webhooks queued. */
import type { DomainEvent, EventBus } from '../../../platform/events.js';
import type { Logger } from '../../../platform/logger.js';
import { removeAtProvider, routeEvent } from '../domain/routes.js';
import * as store from '../store/routes.js';
import { enqueue, type Topic } from '../store/webhooks.js';
import type { RoutingServices } from '../services.js';
import type { RouteRow } from '../tables.js';

/** Events after which the number's tenant no longer holds it. */
const LOST = new Set(['number.released', 'number.ported_out', 'number.withdrawn']);
const TOPIC: Record<string, Topic> = { number: 'NUMBER', order: 'ORDER', port: 'PORT' };

/**
 * Follows inventory's events (a durable consumer: after a restart it resumes where it left off,
 * so an order completed while routing was down is applied once it is back): who holds which
 * number (routing's own projection, never inventory's tables), routes removed when a number is
 * released, and the tenant's webhooks queued. Each event is applied once (its id is recorded in
 * the transaction of its effect), one at a time, in the order the stream delivers them.
 */
export async function startProjection(db: store.Db, events: EventBus, services: RoutingServices, logger: Logger): Promise<() => Promise<void>> {
  let queue: Promise<void> = Promise.resolve();
  const apply = async (event: DomainEvent): Promise<void> => {
    // the catalogue's own changes (no tenant, no loss of a holder) concern neither routes nor webhooks
    if (!event.tenant && !LOST.has(event.type)) return;
    logger.debug({ event: event.id, type: event.type, e164: event.aggregateId }, 'routing: applying an event');
    const removed: RouteRow[] = [];
    await db.transaction().execute(async (tx) => {
      if (!(await store.consumeOnce(tx, event.id))) return;
      if (event.aggregate === 'number') {
        const e164 = event.aggregateId;
        if (event.type === 'number.assigned' && event.tenant && event.providerId) {
          const reference = typeof event.payload.reference === 'string' ? event.payload.reference : null;
          const { capabilities } = event.payload;
          const known = Array.isArray(capabilities) ? capabilities.filter((c): c is string => typeof c === 'string').join(',') : null;
          await store.applyHolding(tx, { e164, tenant: event.tenant, provider_id: event.providerId, reference, capabilities: known, version: event.version });
        } else if (LOST.has(event.type)) {
          if (await store.applyHolding(tx, { e164, tenant: null, provider_id: null, reference: null, capabilities: null, version: event.version })) {
            const route = await store.deleteRoute(tx, e164);
            if (route) {
              removed.push(route);
              await routeEvent(tx, route, 'route.cleared', { reason: event.type });
            }
          }
        }
      }
      const topic = TOPIC[event.aggregate];
      if (event.tenant && topic) {
        const { reference: _reference, ...payload } = event.payload;
        const key = event.aggregate === 'number' ? 'e164' : `${event.aggregate}Id`;
        await enqueue(tx, { id: event.id, type: event.type, tenant: event.tenant, topic, orderingKey: event.aggregateId, at: event.at, data: { [key]: event.aggregateId, version: event.version, ...payload } });
      }
    });
    services.wake();
    for (const route of removed) await removeAtProvider(services, route, logger);
  };
  const handler = (event: DomainEvent): Promise<void> => {
    // one at a time, in delivery order: a number's events are applied and queued as they happened
    const next = queue.then(() => apply(event));
    queue = next.catch(() => undefined);
    return next.catch((error: unknown) => {
      logger.error({ err: error, event: event.id, type: event.type }, 'routing: could not apply an event; it is delivered again');
      throw error;
    });
  };
  const stop = await events.subscribe(handler, { source: 'inventory', durable: services.consumer.durable, durableFrom: services.consumer.from });
  return async () => {
    await stop();
    await queue;
  };
}
