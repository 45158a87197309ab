/**
 * `npm run start:gateway`: the gateway alone, over subgraphs that run as their own services.
 * It reads the committed schema/supergraph.graphql; `<SUBGRAPH>_URL` (e.g. ALLOCATIONS_URL)
 * overrides the address the supergraph names for a subgraph. GATEWAY_SIGNING_SECRET is required
 * (the subgraph services refuse requests the gateway did not sign). The edge's own tables (keys,
 * persisted operations) live in EDGE_DATABASE_URL, else DATABASE_URL, else .data/pglite-edge.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { edgeDatabaseTarget, migrateEdge } from '../gateway/edge-db.js';
import { createKeyStore } from '../gateway/keys/store.js';
import { readProjectManifest } from '../gateway/operations/manifest.js';
import { createPersistedOperations } from '../gateway/operations/store.js';
import { createGateway } from '../gateway/server.js';
import { readGatewaySettings } from '../gateway/settings.js';
import { checkSubgraphs, supergraphUrls } from '../gateway/subgraph-urls.js';
import { redact } from '../platform/config.js';
import { readSettings, subgraphUrlName, type Env } from '../platform/settings-schema.js';
import { openDatabase } from '../platform/db.js';
import { processLogger, type Logger } from '../platform/logger.js';
import { assertPortAvailable } from '../platform/port.js';
import { SCHEMA_DIR } from '../subgraphs/subgraph.js';
import { servicePgliteDir } from './embedded.js';
import { processOutput, serverCommandLine } from './command-line.js';
import { runProcess } from './process.js';

// `--help` prints the gateway's variables and exits; an unknown argument exits 1 naming it
const exit = serverCommandLine(process.argv.slice(2), 'start:gateway', processOutput);
if (exit !== null) process.exitCode = exit;
else {
  const logger = processLogger();
  runProcess(logger, () => start(logger));
}

/** The `<NAME>_URL` override of a subgraph's address, else the supergraph's. */
function subgraphUrl(env: Env, name: string, fallback: string): string {
  const variable = subgraphUrlName(name);
  return (variable ? readSettings(env, [variable])[variable] : undefined) ?? fallback;
}

/** The gateway, listening; resolves with how to stop it. */
async function start(logger: Logger): Promise<() => Promise<void>> {
  const env = process.env;
  const { PORT: port, HOST: host } = readSettings(env, ['PORT', 'HOST']);
  const settings = readGatewaySettings(env, { subgraphsOverHttp: true });
  await assertPortAvailable(port, host);
  const supergraphSdl = readFileSync(`${SCHEMA_DIR}supergraph.graphql`, 'utf8');
  const urls = Object.fromEntries(Object.entries(supergraphUrls(supergraphSdl)).map(([name, url]) => [name, subgraphUrl(env, name, url)]));
  const database = await openDatabase(edgeDatabaseTarget(env, servicePgliteDir(env, 'edge')), logger);
  try {
    await migrateEdge(database.db, logger.child({ component: 'edge' }));
    const keys = createKeyStore(database.db);
    const operations = createPersistedOperations(database.db, readProjectManifest(), supergraphSdl);
    const gateway = createGateway({
      supergraphSdl,
      settings,
      logger,
      subgraphs: { urls },
      authenticate: (presented) => keys.authenticate(presented),
      findOperation: (tenant, id) => operations.find(tenant, id),
      admin: { keys, operations },
      ready: async () => {
        await sql`select 1`.execute(database.db);
        await checkSubgraphs(urls, settings.signingSecret!, Math.min(settings.subgraphTimeoutMs, 5_000));
      },
      pools: () => (database.poolUse ? [{ database: database.description, ...database.poolUse() }] : []),
    });
    const url = await gateway.listen(port, host);
    const shown = Object.fromEntries(Object.entries(urls).map(([name, location]) => [name, redact(location)]));
    logger.info({ url, subgraphs: shown }, `numbergraph gateway ready at ${url}, over subgraphs served apart`);
    return async () => {
      await gateway.stop();
      await database.close();
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
