import type { SubgraphDefinition } from '../shared/subgraph.js';
import { createContext, type Context } from './context.js';
import type { Resolvers } from './generated/resolvers.js';
import { migrations } from './migrations/index.js';

/** Documentation of each hop. Until the compliance issue lands, no number has a trail. */
const resolvers: Resolvers = {
  Number: {
    __resolveReference: (ref) => ref,
    complianceTrail: () => null,
  },
};

export const compliance: SubgraphDefinition<unknown, Context> = { name: 'compliance', migrations, resolvers, createContext };
