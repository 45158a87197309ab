/** The routing subgraph's definition over the providers' clients, with the holdings projection and webhook delivery in the background. */
import type { Kysely } from 'kysely';
import { createLogger } from '../../platform/logger.js';
import type { SubgraphDefinition } from '../subgraph.js';
import { createContext, type Context } from './context.js';
import { AddressPolicy, type Resolver } from './domain/ssrf.js';
import { resolvers } from './graphql/resolvers.js';
import { migrations } from './migrations/index.js';
import { NO_PROVIDERS, webhookSettingsFromEnv, type RoutingServices, type RoutingUpstream } from './services.js';
import type { RoutingTables } from './tables.js';
import { startDelivery } from './workers/delivery.js';
import { startProjection } from './workers/projection.js';

export interface RoutingOptions {
  /** ROUTING_ALLOW_HOSTS, ROUTING_WEBHOOK_RETRY_BASE_MS (default: the process environment). */
  env?: Record<string, string | undefined>;
  /** How host names resolve (tests pass one that answers what they need; default the system's). */
  resolve?: Resolver;
  /** The durable consumer of inventory's events (default 'routing') and where a new one starts (default: the stream's first event). */
  consumer?: { durable: string; from: 'all' | 'new' };
}

export type RoutingDefinition = SubgraphDefinition<RoutingTables, Context> & { services: RoutingServices };

/**
 * The routing subgraph over the providers' clients (to push routes to the holding provider).
 * Its background work: the projection of who holds which number from inventory's events, and
 * the webhook delivery worker.
 */
export function createRouting(upstream: RoutingUpstream = NO_PROVIDERS, options: RoutingOptions = {}): RoutingDefinition {
  const env = options.env ?? process.env;
  let wake = (): void => undefined;
  const services: RoutingServices = {
    upstream,
    addresses: AddressPolicy.fromEnv(env, options.resolve),
    webhooks: webhookSettingsFromEnv(env),
    consumer: options.consumer ?? { durable: 'routing', from: 'all' },
    logger: createLogger(env).child({ subgraph: 'routing' }),
    stopBackground: null,
    wake: () => wake(),
  };
  return {
    name: 'routing',
    migrations,
    resolvers,
    services,
    createContext: (db: Kysely<RoutingTables>, scope) => createContext(db, scope, services),
    background: async ({ db, events, logger }) => {
      services.logger = logger;
      const delivery = startDelivery(db, services, logger.child({ task: 'webhooks' }));
      wake = delivery.wake;
      try {
        const stopProjection = await startProjection(db, events, services, logger.child({ task: 'projection' }));
        let stopping: Promise<void> | null = null;
        const stop = () =>
          (stopping ??= (async () => {
            await stopProjection();
            wake = () => undefined;
            await delivery.stop();
            if (services.stopBackground === stop) services.stopBackground = null;
          })());
        services.stopBackground = stop;
        return stop;
      } catch (error) {
        await delivery.stop();
        throw error;
      }
    },
  };
}

/** The definition the tools (codegen, composition) and a service without providers use. */
export const routing = createRouting();
