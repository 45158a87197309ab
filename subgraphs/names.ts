/**
 * The subgraphs by name, with the port each listens on when it runs as its own service. Tools
 * that must not load resolver code (codegen, composition) read this list.
 */
export const SUBGRAPH_PORTS = {
  allocations: 4001,
  inventory: 4002,
  compliance: 4003,
  routing: 4004,
} as const;

export type SubgraphName = keyof typeof SUBGRAPH_PORTS;
export const SUBGRAPH_NAMES = Object.keys(SUBGRAPH_PORTS) as SubgraphName[];
