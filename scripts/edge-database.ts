/**
 * The edge's database for the command-line tools (`npm run keys`, `npm run operations`,
 * `npm run compose`): `EDGE_DATABASE_URL`, else `DATABASE_URL`, else the embedded PGlite the
 * gateway uses (`PGLITE_DIR`, default .data/pglite).
 */
import { existsSync } from 'node:fs';
import { edgeDatabaseTarget, migrateEdge } from '../gateway/edge-db.js';
import { openDatabase, type Database, type DatabaseTarget } from '../platform/db.js';
import { createLogger, type Logger } from '../platform/logger.js';
import { redact } from '../platform/config.js';
import { pgliteDirFromEnv } from '../src/pglite-dir.js';

type Env = Record<string, string | undefined>;

/** A command's logger: warnings and worse unless LOG_LEVEL says otherwise, so its output stays its own. */
export function commandLogger(env: Env): Logger {
  return createLogger(env, 'warn');
}

/**
 * The configured target; the embedded folder is the gateway's own (src/pglite-dir.ts). While a
 * running `npm start` holds it, the command uses that process's database through its socket.
 */
async function edgeTarget(env: Env): Promise<DatabaseTarget> {
  const target = edgeDatabaseTarget(env, null);
  if (target.kind === 'postgres') return target;
  const embedded = edgeDatabaseTarget(env, pgliteDirFromEnv(env));
  return embedded.kind === 'pglite' ? { ...embedded, joinRunning: true } : embedded;
}

/** Opens the configured edge database and applies the edge's migrations. */
export async function openEdgeDatabase(env: Env, logger: Logger): Promise<Database> {
  const database = await openDatabase(await edgeTarget(env), logger);
  try {
    await migrateEdge(database.db, logger);
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

/**
 * Opens the configured edge database only to read it, when there is one to read: a Postgres
 * server that answers, or an embedded PGlite folder that exists (a running process's through its socket).
 * Otherwise says why it was skipped. Nothing is created or migrated.
 */
export async function openExistingEdgeDatabase(env: Env, logger: Logger): Promise<{ database: Database } | { skipped: string }> {
  const target = await edgeTarget(env);
  if (target.kind === 'pglite' && target.dataDir && !existsSync(target.dataDir)) {
    return { skipped: `no embedded database at ${target.dataDir}` };
  }
  const where = target.kind === 'postgres' ? redact(target.url) : `PGlite in ${target.dataDir}`;
  let database: Database;
  try {
    database = await openDatabase(target.kind === 'postgres' ? { ...target, poolMax: 1 } : target, logger);
  } catch (error) {
    return { skipped: `cannot open ${where}: ${(error as Error).message}` };
  }
  try {
    await database.db.selectNoFrom((eb) => eb.lit(1).as('up')).execute();
    return { database };
  } catch (error) {
    await database.close().catch(() => undefined);
    return { skipped: `cannot reach ${where}: ${(error as Error).message}` };
  }
}
