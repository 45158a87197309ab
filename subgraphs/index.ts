import { allocations } from './allocations/index.js';
import { compliance } from './compliance/index.js';
import { inventory } from './inventory/index.js';
import { routing } from './routing/index.js';

/** All four subgraphs, for the composition root and the tools; no subgraph imports another. */
export const SUBGRAPHS = [allocations, inventory, compliance, routing] as const;
