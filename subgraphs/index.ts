/** Gathers the four subgraphs (allocations, inventory, compliance, routing) in a registry, in migration order. */
import { allocations } from './allocations/index.js';
import { compliance } from './compliance/index.js';
import { inventory } from './inventory/index.js';
import type { SubgraphName } from './names.js';
import { routing } from './routing/index.js';
import type { SubgraphDefinition, SubgraphOn } from './subgraph.js';

/** All four subgraphs by name, each with its own tables and context types; no subgraph imports another. */
export const SUBGRAPH_REGISTRY = { allocations, inventory, compliance, routing } satisfies Record<SubgraphName, { name: SubgraphName }>;

/** The registry's shape: what the composition root may put in place of a definition (e.g. the inventory over providers). */
export type SubgraphRegistry = typeof SUBGRAPH_REGISTRY;

/** The subgraphs created from the registry, by name, their tables and context types kept. */
export type Subgraphs = { [N in SubgraphName]: SubgraphRegistry[N] extends SubgraphDefinition<infer DB, infer Context> ? SubgraphOn<Context, DB> : never };

/** All four subgraphs, in the order they migrate, for the tools that go through each. */
export const SUBGRAPHS = [allocations, inventory, compliance, routing] as const;
