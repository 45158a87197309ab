import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { edgeDatabaseTarget, migrateEdge } from '../gateway/edge-db.js';
import { createKeyStore } from '../gateway/keys/store.js';
import { readProjectManifest } from '../gateway/operations/manifest.js';
import { createPersistedOperations } from '../gateway/operations/store.js';
import { createGateway, type Gateway } from '../gateway/server.js';
import { readGatewaySettings } from '../gateway/settings.js';
import { importNumberingPlan, type ImportReport } from '../subgraphs/allocations/import/importer.js';
import { loadedSources } from '../subgraphs/allocations/repository.js';
import type { Kysely } from 'kysely';
import type { AllocationsTables } from '../subgraphs/allocations/tables.js';
import { readString } from '../subgraphs/shared/config.js';
import { databaseTargetFromEnv, openDatabase, type Database, type DatabaseTarget } from '../subgraphs/shared/db.js';
import type { Logger } from '../subgraphs/shared/logger.js';
import { createSubgraph, SCHEMA_DIR, type Subgraph } from '../subgraphs/shared/subgraph.js';
import { SUBGRAPHS } from '../subgraphs/index.js';
import { startProviders, type ProvidersRuntime, type ProvidersOptions } from './providers.js';

/** Where the embedded default keeps PGlite: PGLITE_DIR, else .data/pglite in the project. */
export function pgliteDirFromEnv(env: Record<string, string | undefined>): string {
  // fileURLToPath, not URL.pathname: a project folder with spaces would come back as %20.
  return readString(env, 'PGLITE_DIR') ?? fileURLToPath(new URL('../.data/pglite', import.meta.url));
}

/** The PGlite folder of one service run as its own process (`<PGLITE_DIR>-<service>`): processes never share a folder. */
export function servicePgliteDir(env: Record<string, string | undefined>, service: string): string {
  return `${pgliteDirFromEnv(env).replace(/\/+$/, '')}-${service}`;
}

export interface EmbeddedOptions {
  env: Record<string, string | undefined>;
  logger: Logger;
  /** Where PGlite keeps its files when no DATABASE_URL is set; null keeps it in memory. */
  pgliteDir: string | null;
  /** A PGlite data folder dump to start from (tests: a pre-imported plan). */
  pgliteSnapshot?: Blob;
  /**
   * Import the numbering plan where its files changed since the last run: always, only into an
   * embedded PGlite (the default start: a Postgres server is imported into with `npm run import`),
   * or never.
   */
  importPlan: 'always' | 'embedded' | 'never';
  /** How the inventory reaches providers (default: the simulator on loopback, or PROVIDERS_URL). */
  providers?: ProvidersOptions;
}

/** The four subgraphs, their databases and the gateway, wired in one process. */
export interface Embedded {
  gateway: Gateway;
  subgraphs: Record<string, Subgraph>;
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
  const openFor = async (target: DatabaseTarget): Promise<Database> => {
    const key = target.kind === 'postgres' ? target.url : `pglite:${target.dataDir}`;
    let database = databases.get(key);
    if (!database) {
      database = await openDatabase(target.kind === 'pglite' && options.pgliteSnapshot ? { ...target, snapshot: options.pgliteSnapshot } : target, logger);
      databases.set(key, database);
      logger.info({ database: database.description }, 'database open');
    }
    return database;
  };
  let providers: ProvidersRuntime | null = null;
  try {
    providers = await startProviders(env, logger, options.providers);
    const subgraphs: Record<string, Subgraph> = {};
    let allocationsDb: Database | null = null;
    let inventoryShared = false;
    for (const definition of SUBGRAPHS.map((d) => (d.name === 'inventory' ? providers!.inventory : d))) {
      const database = await openFor(databaseTargetFromEnv(env, definition.name, options.pgliteDir));
      const subgraph = createSubgraph(definition as Parameters<typeof createSubgraph>[0], database, logger);
      await subgraph.migrate();
      subgraphs[definition.name] = subgraph;
      if (definition.name === 'allocations') allocationsDb = database;
      if (definition.name === 'inventory') inventoryShared = database.target.kind === 'postgres';
    }
    if (!allocationsDb) throw new Error('the allocations subgraph is not wired');
    const plan = subgraphs.allocations!.db as Kysely<AllocationsTables>;
    const importNow = options.importPlan === 'always' || (options.importPlan === 'embedded' && allocationsDb.target.kind === 'pglite');
    const importReport = importNow ? await importNumberingPlan(plan, { logger: logger.child({ task: 'import' }) }) : null;
    const sources = await loadedSources(plan);
    if (sources.length === 0) logger.warn('the numbering plan is empty: run `npm run import` to load it');
    else logger.info({ sources: sources.map((s) => `${s.id}: ${s.blocks_loaded} blocks`) }, 'numbering plan loaded');

    await providers.startSync(subgraphs.inventory!, inventoryShared);

    // the edge's own tables (keys, tenants' operations), beside the subgraphs' schemas
    const edgeDatabase = await openFor(edgeDatabaseTarget(env, options.pgliteDir));
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
    return { gateway, subgraphs, keys, operations, databases: [...databases.values()], importReport, providers, close };
  } catch (error) {
    await providers?.close().catch(() => undefined);
    await Promise.all([...databases.values()].map((d) => d.close().catch(() => undefined)));
    throw error;
  }
}
