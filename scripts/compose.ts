/**
 * Composes the four subgraph SDLs into schema/supergraph.graphql with @apollo/composition.
 * `--check` composes in memory and fails when the committed file differs (CI's staleness check).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SCHEMA_DIR, subgraphSdl } from '../subgraphs/shared/subgraph.js';

/** Where each subgraph listens when it runs as its own process (the distributed shape). */
const SUBGRAPHS = [
  { name: 'allocations', url: 'http://localhost:4001/graphql' },
  { name: 'inventory', url: 'http://localhost:4002/graphql' },
  { name: 'compliance', url: 'http://localhost:4003/graphql' },
  { name: 'routing', url: 'http://localhost:4004/graphql' },
];

export function composeSupergraph(): string {
  const result = composeServices(SUBGRAPHS.map(({ name, url }) => ({ name, url, typeDefs: parse(subgraphSdl(name)) })));
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return `${result.supergraphSdl.trim()}\n`;
}

const target = `${SCHEMA_DIR}supergraph.graphql`;
const supergraph = composeSupergraph();
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // a missing file is stale too
  }
  if (committed !== supergraph) {
    console.error('schema/supergraph.graphql is stale: run `npm run compose` and commit it');
    process.exit(1);
  }
  console.log('schema/supergraph.graphql is up to date');
} else {
  writeFileSync(target, supergraph);
  console.log(`composed ${SUBGRAPHS.length} subgraphs into schema/supergraph.graphql`);
}
