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
import { SCHEMA_DIR } from '../subgraphs/subgraph.js';
import { defineCommand, parseCommandLine, runAsMain, UsageError } from './cli.js';
import { commandLogger, openExistingEdgeDatabase } from './edge-database.js';
import { composeSupergraph, SUBGRAPH_URLS } from './supergraph.js';

const HELP = `Usage: npm run compose

Writes schema/supergraph.graphql from the subgraph SDLs and schema/operations/manifest.json
from schema/operations/*.graphql, after checking that the new supergraph still serves every
persisted operation: the project's and every tenant's registered ones, read from the edge
database (EDGE_DATABASE_URL, else DATABASE_URL, else the embedded PGlite under PGLITE_DIR)
when there is one. A break names the operation, and nothing is written.
`;

/** `npm run compose` in-process: its exit code. */
export const run = defineCommand('compose', async (argv, env, io) => {
  const { values, positionals } = parseCommandLine(argv, { help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`compose takes no arguments, got "${positionals.join(' ')}"`);
  const supergraph = composeSupergraph();
  const manifest = buildManifest();

  const opened = await openExistingEdgeDatabase(env, commandLogger(env));
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
    io.stderr(`warning: ${registeredNote}\n`);
  }

  const broken = brokenOperations(supergraph, manifest, registered);
  if (broken.length > 0) {
    io.stderr(`the composed supergraph would break ${broken.length} persisted operations; nothing written:\n${broken.map((b) => `- ${b}`).join('\n')}\n`);
    return 1;
  }
  writeFileSync(`${SCHEMA_DIR}supergraph.graphql`, supergraph);
  writeFileSync(PROJECT_MANIFEST_FILE, serializeManifest(manifest));
  io.stdout(
    `composed ${SUBGRAPH_URLS.length} subgraphs into schema/supergraph.graphql; compiled ${manifest.operations.length} operations into schema/operations/manifest.json; checked them and ${registeredNote}\n`,
  );
  return 0;
});

runAsMain(import.meta.url, run);
