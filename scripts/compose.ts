/**
 * `npm run compose`: writes schema/supergraph.graphql from the subgraph SDLs and
 * schema/operations/manifest.json from schema/operations/*.graphql (both committed), after
 * checking that the new supergraph still serves every persisted operation: the project's
 * (the contract) and every tenant's registered ones, read from the configured edge database
 * when there is one (see scripts/edge-database.ts). A break names the operation; nothing is written.
 */
import { writeFileSync } from 'node:fs';
import { brokenOperations } from '../gateway/operations/check.js';
import { buildManifest, PROJECT_MANIFEST_FILE, serializeManifest } from '../gateway/operations/manifest.js';
import { readRegisteredOperations } from '../gateway/operations/store.js';
import { SCHEMA_DIR } from '../subgraphs/shared/subgraph.js';
import { commandLogger, openExistingEdgeDatabase } from './edge-database.js';
import { composeSupergraph, SUBGRAPH_URLS } from './supergraph.js';

const supergraph = composeSupergraph();
const manifest = buildManifest();

const opened = await openExistingEdgeDatabase(process.env, commandLogger(process.env));
let registered: Awaited<ReturnType<typeof readRegisteredOperations>> = [];
let registeredNote: string;
if ('database' in opened) {
  try {
    registered = await readRegisteredOperations(opened.database.db);
    registeredNote = `${registered.length} registered operations in ${opened.database.description}`;
  } finally {
    await opened.database.close();
  }
} else {
  registeredNote = `registered operations not checked: ${opened.skipped}`;
  console.warn(`warning: ${registeredNote}`);
}

const broken = brokenOperations(supergraph, manifest, registered);
if (broken.length > 0) {
  console.error(`the composed supergraph would break ${broken.length} persisted operations; nothing written:\n${broken.map((b) => `- ${b}`).join('\n')}`);
  process.exit(1);
}
writeFileSync(`${SCHEMA_DIR}supergraph.graphql`, supergraph);
writeFileSync(PROJECT_MANIFEST_FILE, serializeManifest(manifest));
console.log(
  `composed ${SUBGRAPH_URLS.length} subgraphs into schema/supergraph.graphql; compiled ${manifest.operations.length} operations into schema/operations/manifest.json; checked them and ${registeredNote}`,
);
