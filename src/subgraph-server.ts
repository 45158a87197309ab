/**
 * `npm run start:subgraph`: one subgraph as its own HTTP service (the distributed shape).
 *   SUBGRAPH=allocations PORT=4001 [HOST=0.0.0.0] DATABASE_URL=postgres://... npm run start:subgraph
 * Migrates the subgraph's schema at start. Without DATABASE_URL each subgraph keeps a PGlite
 * folder of its own (.data/pglite-<subgraph>), and allocations imports the plan into it at start;
 * with DATABASE_URL, import it once with `npm run import`. GATEWAY_SIGNING_SECRET (shared with the
 * gateway) is required: requests without the gateway's signature get 401.
 */
import { ConfigError, readInt, readString } from '../subgraphs/shared/config.js';
import { importNumberingPlan } from '../subgraphs/allocations/import/importer.js';
import type { Kysely } from 'kysely';
import type { AllocationsTables } from '../subgraphs/allocations/tables.js';
import { databaseTargetFromEnv, openDatabase } from '../subgraphs/shared/db.js';
import { processLogger } from '../subgraphs/shared/logger.js';
import { assertPortAvailable } from '../subgraphs/shared/port.js';
import { serveSubgraph } from '../subgraphs/shared/server.js';
import { createSubgraph } from '../subgraphs/shared/subgraph.js';
import { SUBGRAPHS } from '../subgraphs/index.js';
import { SUBGRAPH_PORTS } from '../subgraphs/names.js';
import { pgliteDirFromEnv } from './embedded.js';
import { runProcess } from './process.js';
import { readSigningSecret } from '../subgraphs/shared/signed-scope.js';

const logger = processLogger();

runProcess(logger, async () => {
  const name = readString(process.env, 'SUBGRAPH');
  const definition = SUBGRAPHS.find((s) => s.name === name);
  if (!definition) throw new ConfigError(`SUBGRAPH must be one of ${SUBGRAPHS.map((s) => s.name).join(', ')}, got "${name ?? ''}"`);
  const port = readInt(process.env, 'PORT', SUBGRAPH_PORTS[definition.name], { min: 0, max: 65_535 });
  // required before anything opens: the service answers only requests the gateway signed
  const signingSecret = readSigningSecret(process.env, true)!;
  const host = readString(process.env, 'HOST') ?? '127.0.0.1';
  await assertPortAvailable(port, host);
  const database = await openDatabase(databaseTargetFromEnv(process.env, definition.name, `${pgliteDirFromEnv(process.env).replace(/\/+$/, '')}-${definition.name}`), logger);
  const subgraph = createSubgraph(definition as Parameters<typeof createSubgraph>[0], database, logger.child({ subgraph: definition.name }));
  await subgraph.migrate();
  if (definition.name === 'allocations' && database.target.kind === 'pglite') {
    // on its own embedded database, the allocations service imports the plan as `npm start` does
    await importNumberingPlan(subgraph.db as Kysely<AllocationsTables>, { logger });
  }
  // Loopback unless HOST says otherwise: a subgraph answers the gateway, not the world.
  const server = await serveSubgraph(subgraph, logger, port, host, signingSecret);
  logger.info({ subgraph: definition.name, url: server.url, database: database.description }, `subgraph ${definition.name} ready`);
  return async () => {
    await server.stop();
    await database.close();
  };
});
