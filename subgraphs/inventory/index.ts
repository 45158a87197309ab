import type { SubgraphDefinition } from '../shared/subgraph.js';
import { createContext, type Context } from './context.js';
import type { Resolvers } from './generated/resolvers.js';
import { migrations } from './migrations/index.js';

/**
 * Who holds a number and through which providers. Until the inventory issue lands, the
 * aggregator holds nothing: every number answers not held.
 */
const resolvers: Resolvers = {
  Number: {
    __resolveReference: (ref) => ref,
    holder: () => null,
    tier: () => null,
    tierChain: () => [],
    status: () => null,
  },
};

export const inventory: SubgraphDefinition<unknown, Context> = { name: 'inventory', migrations, resolvers, createContext };
