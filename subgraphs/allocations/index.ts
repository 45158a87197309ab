/** The allocations subgraph's definition: the numbering plan of authorities, carriers, blocks and any number's place in them. */
import type { SubgraphDefinition } from '../subgraph.js';
import { createContext, type Context } from './context.js';
import { migrations } from './migrations/index.js';
import { resolvers } from './resolvers.js';
import type { AllocationsTables } from './tables.js';

/** The numbering plan: authorities, carriers, blocks, and any number's place in them. */
export const allocations: SubgraphDefinition<AllocationsTables, Context> = {
  name: 'allocations',
  migrations,
  resolvers,
  createContext,
};
