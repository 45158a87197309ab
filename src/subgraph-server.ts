/**
 * `npm run start:subgraph`: one subgraph as its own HTTP service (the distributed shape).
 *   SUBGRAPH=allocations PORT=4001 [HOST=0.0.0.0] DATABASE_URL=postgres://... npm run start:subgraph
 * Migrates the subgraph's schema at start. Without DATABASE_URL each subgraph keeps a PGlite
 * folder of its own (.data/pglite-<subgraph>), and allocations imports the plan into it at start;
 * with DATABASE_URL, import it once with `npm run import`. GATEWAY_SIGNING_SECRET (shared with the
 * gateway) is required: requests without the gateway's signature get 401.
 * The inventory service reaches providers as the embedded default does: PROVIDERS_URL (a
 * simulator or directory), else a simulator it starts on loopback; it syncs the catalogue after
 * migrating (then every SYNC_INTERVAL_SECONDS) and closes the provider clients on stop.
 */
import { ConfigError } from '../platform/config.js';
import { readSettings } from '../platform/settings-schema.js';
import { importNumberingPlan } from '../subgraphs/allocations/import/importer.js';
import { databaseTargetFromEnv, openDatabase, type Database } from '../platform/db.js';
import { processLogger, type Logger } from '../platform/logger.js';
import { assertPortAvailable } from '../platform/port.js';
import { serveSubgraph } from '../platform/http-server.js';
import { createSubgraph, type Subgraph, type SubgraphDefinition, type SubgraphOn } from '../subgraphs/subgraph.js';
import { SUBGRAPH_REGISTRY, SUBGRAPHS } from '../subgraphs/index.js';
import { SUBGRAPH_NAMES, SUBGRAPH_PORTS, type SubgraphName } from '../subgraphs/names.js';
import { servicePgliteDir } from './embedded.js';
import { processOutput, serverCommandLine } from './command-line.js';
import { runProcess } from './process.js';
import { startProviders, type ProvidersRuntime } from './providers.js';
import { readSigningSecret } from '../contracts/signed-scope.js';

// `--help` prints a subgraph service's variables and exits; an unknown argument exits 1 naming it
const exit = serverCommandLine(process.argv.slice(2), 'start:subgraph', processOutput);
if (exit !== null) process.exitCode = exit;
else {
  const logger = processLogger();
  runProcess(logger, () => start(logger));
}

/** The subgraph SUBGRAPH names, served; resolves with how to stop it. */
async function start(logger: Logger): Promise<() => Promise<void>> {
  const { SUBGRAPH: name } = readSettings(process.env, ['SUBGRAPH']);
  const definition = SUBGRAPHS.find((s) => s.name === name);
  if (!definition) throw new ConfigError(`SUBGRAPH must be one of ${SUBGRAPH_NAMES.join(', ')}, got "${name ?? ''}"`);
  // a service listens on its subgraph's own port, and on loopback: it answers the gateway, not the world
  const { PORT: port, HOST: host, NATS_URL, PROVIDERS_URL } = readSettings(process.env, ['PORT', 'HOST', 'NATS_URL', 'PROVIDERS_URL'], {
    PORT: SUBGRAPH_PORTS[definition.name],
    HOST: '127.0.0.1',
  });
  // required before anything opens: the service answers only requests the gateway signed
  const signingSecret = readSigningSecret(process.env, true)!;
  // routing and compliance follow the inventory's events; between processes they travel over NATS JetStream
  if ((definition.name === 'routing' || definition.name === 'compliance') && !NATS_URL) {
    throw new ConfigError(`NATS_URL is required for the ${definition.name} service: it follows the inventory's events over NATS JetStream`);
  }
  await assertPortAvailable(port, host);
  // the inventory talks to providers (PROVIDERS_URL, else a simulator started here); the others
  // reach the same providers only through PROVIDERS_URL, never a simulator of their own
  const providers: ProvidersRuntime = await startProviders(process.env, logger, definition.name === 'inventory' || PROVIDERS_URL ? {} : { disabled: true });
  let database: Database | null = null;
  try {
    database = await openDatabase(databaseTargetFromEnv(process.env, definition.name, servicePgliteDir(process.env, definition.name)), logger);
    const open = database;
    /** The definition's subgraph on the database, migrated, then `ready` done (the plan imported). */
    const create = async <DB, Context extends object>(served: SubgraphDefinition<DB, Context>, ready?: (subgraph: SubgraphOn<Context, DB>) => Promise<unknown>): Promise<Subgraph> => {
      const subgraph = createSubgraph(served, open, logger.child({ subgraph: served.name }));
      await subgraph.migrate();
      await ready?.(subgraph);
      return subgraph;
    };
    const shared = database.target.kind === 'postgres';
    const byName: Record<SubgraphName, () => Promise<Subgraph>> = {
      // on its own embedded database, the allocations service imports the plan as `npm start` does
      allocations: () => create(SUBGRAPH_REGISTRY.allocations, async (allocations) => (shared ? null : importNumberingPlan(allocations.db, { logger }))),
      // the catalogue synced, the order worker and the outbox relay started, before it serves
      inventory: () => create(providers.inventory, (inventory) => providers.startSync(inventory, { shared })),
      compliance: () => create(providers.compliance),
      routing: () => create(providers.routing),
    };
    const subgraph = await byName[definition.name]();
    await providers.startBackground(subgraph, { shared });
    const server = await serveSubgraph(subgraph, logger, port, host, signingSecret);
    logger.info({ subgraph: definition.name, url: server.url, database: database.description }, `subgraph ${definition.name} ready`);
    const opened = database;
    return async () => {
      await server.stop();
      await providers.close(); // the sync schedule, the provider clients, a simulator started here
      await opened.close();
    };
  } catch (error) {
    await providers.close().catch(() => undefined);
    await database?.close().catch(() => undefined);
    throw error;
  }
}
