import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { subgraphSdl } from '../subgraphs/shared/subgraph.js';

/** Where each subgraph listens when it runs as its own process (the distributed shape). */
export const SUBGRAPH_URLS = [
  { name: 'allocations', url: 'http://localhost:4001/graphql' },
  { name: 'inventory', url: 'http://localhost:4002/graphql' },
  { name: 'compliance', url: 'http://localhost:4003/graphql' },
  { name: 'routing', url: 'http://localhost:4004/graphql' },
];

/** Composes the subgraph SDLs in schema/ with @apollo/composition; throws on composition errors. */
export function composeSupergraph(): string {
  const result = composeServices(SUBGRAPH_URLS.map(({ name, url }) => ({ name, url, typeDefs: parse(subgraphSdl(name)) })));
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return `${result.supergraphSdl.trim()}\n`;
}
