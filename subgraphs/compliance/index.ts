import type { SubgraphDefinition } from '../shared/subgraph.js';
import { createContext, type Context } from './context.js';
import type { Resolvers } from './generated/resolvers.js';
import { migrations } from './migrations/index.js';

/**
 * Documentation of each hop and each market's requirements. Until the compliance issue lands,
 * no number has a trail and no market has recorded requirements.
 */
const resolvers: Resolvers = {
  Number: {
    __resolveReference: (ref) => ref,
    complianceTrail: () => null,
  },
  Market: {
    __resolveReference: (ref) => ref,
    // TODO(issue compliance): requirements per country and number type.
    requirements: () => [],
  },
};

export const compliance: SubgraphDefinition<unknown, Context> = { name: 'compliance', migrations, resolvers, createContext };
