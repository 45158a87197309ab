/** The embedded default's composition root: four subgraphs on their migrated databases, plan import, providers and gateway in one process. */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { edgeDatabaseTarget, migrateEdge } from '../gateway/edge-db.js';
import { createKeyStore } from '../gateway/keys/store.js';
import { readProjectManifest } from '../gateway/operations/manifest.js';
import { createPersistedOperations } from '../gateway/operations/store.js';
import { createGateway, type Gateway } from '../gateway/server.js';
import { readGatewaySettings } from '../gateway/settings.js';
import { importNumberingPlan, type ImportReport } from '../subgraphs/allocations/import/importer.js';
import { loadedSources } from '../subgraphs/allocations/repository.js';
import { databaseTargetFromEnv, openDatabase, type Database, type DatabaseTarget } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import { createSubgraph, SCHEMA_DIR, type SubgraphDefinition, type SubgraphOn } from '../subgraphs/subgraph.js';
import { SUBGRAPH_REGISTRY, type Subgraphs } from '../subgraphs/index.js';
import { SUBGRAPH_NAMES, type SubgraphName } from '../subgraphs/names.js';
import { pgliteDirFromEnv } from './pglite-dir.js';
import { startProviders, type ProvidersRuntime, type ProvidersOptions } from './providers.js';

export { pgliteDirFromEnv } from './pglite-dir.js';

/** The PGlite folder of one service run as its own process (`<PGLITE_DIR>-<service>`): processes never share a folder. */
export function servicePgliteDir(env: Record<string, string | undefined>, service: string): string {
  return `${pgliteDirFromEnv(env).replace(/\/+$/, '')}-${service}`;
}

export interface EmbeddedOptions {
  env: Record<string, string | undefined>;
  logger: Logger;
  /** Where PGlite keeps its files when no DATABASE_URL is set; null keeps it in memory. */
  pgliteDir: string | null;
  /**
   * Import the numbering plan where its files changed since the last run: always, only into an
   * embedded PGlite (the default start: a Postgres server is imported into with `npm run import`),
   * or never.
   */
  importPlan: 'always' | 'embedded' | 'never';
  /** How the inventory reaches providers (default: the simulator on loopback, or PROVIDERS_URL). */
  providers?: ProvidersOptions;
  /**
   * Serve while the first catalogue sync runs (`npm start`: a restart answers at once, from the
   * catalogue as the last run left it); by default the start waits for it.
   */
  syncInBackground?: boolean;
}

/** The four subgraphs, their databases and the gateway, wired in one process. */
export interface Embedded {
  gateway: Gateway;
  subgraphs: Subgraphs;
  /** The edge's API keys (tests and tools create keys through it). */
  keys: ReturnType<typeof createKeyStore>;
  /** The persisted operations: the project's manifest and each tenant's registered ones. */
  operations: ReturnType<typeof createPersistedOperations>;
  databases: Database[];
  importReport: ImportReport | null;
  /** The providers' simulator (when started here), their clients, and the catalogue sync. */
  providers: ProvidersRuntime;
  close(): Promise<void>;
}

/**
 * The composition root of the embedded default: opens each subgraph's database (one PGlite
 * shared by all unless DATABASE_URL or <SUBGRAPH>_DATABASE_URL say otherwise), migrates each
 * subgraph's schema, imports the numbering plan and serves all four in-process behind the gateway.
 */
export async function startEmbedded(options: EmbeddedOptions): Promise<Embedded> {
  const { env, logger } = options;
  const databases = new Map<string, Database>();
  const keyOf = (target: DatabaseTarget) => (target.kind === 'postgres' ? target.url : `pglite:${target.dataDir}`);
  const opening = new Map<string, Promise<Database>>();
  const openFor = (target: DatabaseTarget): Promise<Database> => {
    const key = keyOf(target);
    let database = opening.get(key);
    if (!database) {
      database = openDatabase(target, logger).then((opened) => {
        databases.set(key, opened);
        logger.info({ database: opened.description }, 'database open');
        return opened;
      });
      opening.set(key, database);
    }
    return database;
  };
  let providers: ProvidersRuntime | null = null;
  try {
    const targetOf = (name: SubgraphName) => databaseTargetFromEnv(env, name, options.pgliteDir);
    const edgeTarget = edgeDatabaseTarget(env, options.pgliteDir);
    // The databases open on their own threads (PGlite) or sockets while this thread builds the
    // provider simulator's world: both take seconds, neither needs the other.
    const [simulated, ...opened] = await Promise.allSettled([startProviders(env, logger, options.providers), ...[...SUBGRAPH_NAMES.map(targetOf), edgeTarget].map(openFor)]);
    if (simulated.status === 'fulfilled') providers = simulated.value;
    const failed = [simulated, ...opened].find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed || !providers) throw failed?.reason;
    /** One subgraph on its database (already open), migrated. */
    const create = async <DB, Context extends object>(definition: SubgraphDefinition<DB, Context>): Promise<SubgraphOn<Context, DB>> => {
      const subgraph = createSubgraph(definition, await openFor(targetOf(definition.name)), logger);
      await subgraph.migrate();
      return subgraph;
    };
    // in this order: allocations first (the others' data refers to its plan)
    const subgraphs: Subgraphs = {
      allocations: await create(SUBGRAPH_REGISTRY.allocations),
      inventory: await create(providers.inventory),
      compliance: await create(providers.compliance),
      routing: await create(providers.routing),
    };
    const allocationsDb = await openFor(targetOf('allocations'));
    const plan = subgraphs.allocations.db;
    const importNow = options.importPlan === 'always' || (options.importPlan === 'embedded' && allocationsDb.target.kind === 'pglite');
    if (importNow) logger.info('checking the numbering plan against its files (a first start imports it, source by source: about a minute)');
    const importReport = importNow ? await importNumberingPlan(plan, { logger: logger.child({ task: 'import' }) }) : null;
    const sources = await loadedSources(plan);
    if (sources.length === 0) logger.warn('the numbering plan is empty: run `npm run import` to load it');
    else logger.info({ sources: sources.map((s) => `${s.id}: ${s.blocks_loaded} blocks`) }, 'numbering plan loaded');

    await providers.startSync(subgraphs.inventory, { shared: (await openFor(targetOf('inventory'))).target.kind === 'postgres', background: options.syncInBackground ?? false });
    for (const name of SUBGRAPH_NAMES) {
      const shared = (await openFor(targetOf(name))).target.kind === 'postgres';
      await providers.startBackground(subgraphs[name], { shared });
    }

    // the edge's own tables (keys, tenants' operations), beside the subgraphs' schemas
    const edgeDatabase = await openFor(edgeTarget);
    await migrateEdge(edgeDatabase.db, logger.child({ component: 'edge' }));
    const supergraphSdl = readFileSync(`${SCHEMA_DIR}supergraph.graphql`, 'utf8');
    const keys = createKeyStore(edgeDatabase.db);
    const operations = createPersistedOperations(edgeDatabase.db, readProjectManifest(), supergraphSdl);
    const gateway = createGateway({
      supergraphSdl,
      settings: readGatewaySettings(env, { subgraphsOverHttp: false }),
      logger,
      subgraphs: { inProcess: subgraphs },
      authenticate: (presented) => keys.authenticate(presented),
      findOperation: (tenant, id) => operations.find(tenant, id),
      admin: { keys, operations },
      // ready when every database answers (the subgraphs live in this process)
      ready: async () => {
        await Promise.all([...databases.values()].map((d) => sql`select 1`.execute(d.db)));
      },
      pools: () => [...databases.values()].flatMap((d) => (d.poolUse ? [{ database: d.description, ...d.poolUse() }] : [])),
    });
    const close = async () => {
      try {
        await gateway.stop();
        logger.info('gateway stopped; closing databases');
      } catch (error) {
        // Never started (it failed to listen, e.g. the port is in use): nothing to drain.
        logger.warn({ err: error }, 'gateway was not running; closing databases');
      } finally {
        await providers!.close();
        await Promise.all([...databases.values()].map((d) => d.close()));
      }
    };
    return { gateway, subgraphs, keys, operations, databases: [...databases.values()], importReport, providers: providers!, close };
  } catch (error) {
    await providers?.close().catch(() => undefined);
    // a database still opening when another step failed closes once it is open
    await Promise.allSettled([...opening.values()].map((d) => d.then((opened) => opened.close())));
    throw error;
  }
}
