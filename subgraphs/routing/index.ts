import type { SubgraphDefinition } from '../shared/subgraph.js';
import { createContext, type Context } from './context.js';
import type { Resolvers } from './generated/resolvers.js';
import { migrations } from './migrations/index.js';

/** Routes and ports. Until the routing issue lands, no number has a route or a port. */
const resolvers: Resolvers = {
  Number: {
    __resolveReference: (ref) => ref,
    route: () => null,
    servingCarrier: () => null,
  },
};

export const routing: SubgraphDefinition<unknown, Context> = { name: 'routing', migrations, resolvers, createContext };
