import type { Kysely } from 'kysely';
import type { SubgraphDefinition } from '../shared/subgraph.js';
import { createContext, type Context, type InventoryServices } from './context.js';
import { migrations } from './migrations/index.js';
import { resolvers } from './resolvers.js';
import { createSearchCache } from './search.js';
import type { InventoryTables } from './tables.js';
import { NO_UPSTREAM, type Upstream } from './upstream.js';

/**
 * The inventory subgraph over a set of providers' APIs. The composition root passes the
 * upstream (the provider client over the simulator or real providers); without one the
 * subgraph serves the catalogue it has and cannot reach providers.
 */
export function createInventory(upstream: Upstream = NO_UPSTREAM): SubgraphDefinition<InventoryTables, Context> & { services: InventoryServices } {
  const services: InventoryServices = { upstream, searches: createSearchCache() };
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
