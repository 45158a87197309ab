/** `npm run compose`: writes schema/supergraph.graphql from the subgraph SDLs (committed). */
import { writeFileSync } from 'node:fs';
import { SCHEMA_DIR } from '../subgraphs/shared/subgraph.js';
import { composeSupergraph, SUBGRAPH_URLS } from './supergraph.js';

writeFileSync(`${SCHEMA_DIR}supergraph.graphql`, composeSupergraph());
console.log(`composed ${SUBGRAPH_URLS.length} subgraphs into schema/supergraph.graphql`);
