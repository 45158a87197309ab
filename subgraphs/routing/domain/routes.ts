/** Pushing a route to the number's holding provider and recording ACTIVE or FAILED, removing it there, and route events for webhooks. */
import { randomUUID } from 'node:crypto';
import type { RoutingRequest, RoutingTrunk } from '../../../providers/api.js';
import type { Logger } from '../../../platform/logger.js';
import { isProviderFailure, providerFailureMessage } from '../../provider-failure.js';
import * as store from '../store/routes.js';
import { enqueue } from '../store/webhooks.js';
import type { RoutingServices } from '../services.js';
import type { RouteRow, StoredTrunk } from '../tables.js';

type Db = store.Db;

/** A stored transport (the SipTransport enum's name) as a provider's API spells it. */
const PROVIDER_TRANSPORT: Record<StoredTrunk['transport'], RoutingTrunk['transport']> = { UDP: 'udp', TCP: 'tcp', TLS: 'tls' };

/** What a provider's API takes: transports in its lower case. */
export function routingRequest(route: Pick<RouteRow, 'trunks' | 'messaging_uri'>): RoutingRequest {
  return {
    voice: route.trunks ? { trunks: route.trunks.map((t: StoredTrunk) => ({ uri: t.uri, transport: PROVIDER_TRANSPORT[t.transport], priority: t.priority, weight: t.weight })) } : null,
    messaging: route.messaging_uri ? { endpoint: route.messaging_uri } : null,
  };
}

/** A route event for the tenant's webhooks (route.configured, route.active, route.failed, route.cleared). */
export async function routeEvent(db: Db, route: Pick<RouteRow, 'e164' | 'tenant'>, type: string, data: Record<string, unknown>): Promise<number> {
  return enqueue(db, { id: randomUUID(), type, tenant: route.tenant, topic: 'ROUTE', orderingKey: route.e164, at: new Date().toISOString(), data: { e164: route.e164, ...data } });
}

/**
 * Pushes one version of a route to the holding provider, with its client's policies, and records
 * the answer: ACTIVE when confirmed, FAILED with the reason otherwise.
 */
export async function pushRoute(db: Db, services: RoutingServices, route: RouteRow, logger: Logger): Promise<RouteRow> {
  const api = services.upstream.provider(route.provider_id);
  let outcome: { state: 'ACTIVE' | 'FAILED'; reason: string | null };
  if (!api) outcome = { state: 'FAILED', reason: `the holding provider ${route.provider_id} cannot be reached from here` };
  else {
    try {
      await api.putRouting(route.e164, route.reference, routingRequest(route));
      outcome = { state: 'ACTIVE', reason: null };
    } catch (error) {
      if (!isProviderFailure(error)) throw error;
      logger.warn({ err: error, e164: route.e164 }, 'routing: the provider did not take the route');
      outcome = { state: 'FAILED', reason: error.code === 'not_yours' ? 'the provider does not list the number as yours' : `the provider did not confirm it: ${providerFailureMessage(error)}` };
    }
  }
  return db.transaction().execute(async (tx) => {
    const settled = await store.settleRoute(tx, route.e164, route.version, outcome.state, outcome.reason);
    if (!settled) return (await store.routes(tx, [route.e164]))[0] ?? route; // configured again meanwhile: that version's push decides
    await routeEvent(tx, settled, outcome.state === 'ACTIVE' ? 'route.active' : 'route.failed', { reason: outcome.reason });
    services.wake();
    return settled;
  });
}

/** Removes the route at the provider (none left there is success); false when the provider could not be asked. */
export async function removeAtProvider(services: RoutingServices, route: Pick<RouteRow, 'e164' | 'provider_id' | 'reference'>, logger: Logger): Promise<boolean> {
  const api = services.upstream.provider(route.provider_id);
  if (!api) return false;
  try {
    await api.deleteRouting(route.e164, route.reference);
    return true;
  } catch (error) {
    // no longer the number's orderer there (released first): the provider dropped the route with the assignment
    if (!isProviderFailure(error)) throw error;
    if (error.code === 'not_yours') return true;
    logger.warn({ err: error, e164: route.e164 }, 'routing: could not remove the route at the provider');
    return false;
  }
}
