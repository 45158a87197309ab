/** The inventory subgraph's definition over a set of providers' APIs, with order retry and wait settings. */
import type { Kysely } from 'kysely';
import { createLogger, type Logger } from '../../platform/logger.js';
import type { SubgraphDefinition } from '../subgraph.js';
import { createContext, type Context, type InventoryServices } from './context.js';
import { migrations } from './migrations/index.js';
import { resolvers } from './graphql/resolvers.js';
import { DEFAULT_RETRY, type RetryPolicy } from './domain/order-line.js';
import { createSearchStore } from './store/searches.js';
import type { InventoryTables } from './tables.js';
import { NO_UPSTREAM, type Upstream } from './upstream/upstream.js';

export interface InventoryOptions {
  /** Backoff of order lines' retries (ORDER_RETRY_MAX_SECONDS caps it). */
  retry?: RetryPolicy;
  /** How long orderNumbers waits for providers before answering PENDING (ORDER_WAIT_MS). */
  orderWaitMs?: number;
  /** Where requests log (default: LOG_LEVEL and LOG_FORMAT from the environment). */
  logger?: Logger;
}

/** Well under the gateway's subgraph timeout (10 s by default): the mutation answers PENDING rather than time out. */
export const DEFAULT_ORDER_WAIT_MS = 5_000;

/**
 * The inventory subgraph over a set of providers' APIs. The composition root passes the
 * upstream (the provider client over the simulator or real providers); without one the
 * subgraph serves the catalogue it has and cannot reach providers.
 */
export function createInventory(upstream: Upstream = NO_UPSTREAM, options: InventoryOptions = {}): SubgraphDefinition<InventoryTables, Context> & { services: InventoryServices } {
  const logger = (options.logger ?? createLogger()).child({ subgraph: 'inventory' });
  const services: InventoryServices = { upstream, searches: createSearchStore(), logger, orders: { retry: options.retry ?? DEFAULT_RETRY, waitMs: options.orderWaitMs ?? DEFAULT_ORDER_WAIT_MS } };
  return {
    name: 'inventory',
    migrations,
    resolvers,
    services,
    createContext: (db: Kysely<InventoryTables>, scope) => createContext(db, scope, services),
  };
}

/** The definition the tools (codegen, composition) and a stand-alone service without providers use. */
export const inventory = createInventory();
