/** Composes the subgraph SDLs in schema/ into the supergraph, with each subgraph's URL in the distributed shape. */
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SUBGRAPH_NAMES, SUBGRAPH_PORTS } from '../subgraphs/names.js';
import { subgraphSdl } from '../subgraphs/subgraph.js';

/** Where each subgraph listens when it runs as its own process (the distributed shape). */
export const SUBGRAPH_URLS = SUBGRAPH_NAMES.map((name) => ({ name, url: `http://localhost:${SUBGRAPH_PORTS[name]}/graphql` }));

/** Composes the subgraph SDLs in schema/ with @apollo/composition; throws on composition errors. */
export function composeSupergraph(): string {
  const result = composeServices(SUBGRAPH_URLS.map(({ name, url }) => ({ name, url, typeDefs: parse(subgraphSdl(name)) })));
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return `${result.supergraphSdl.trim()}\n`;
}
