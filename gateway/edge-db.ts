/** The gateway's own database (schema `edge`: API keys, persisted operations): where it lives, its migrations and tables. */
import type { Kysely } from 'kysely';
import { databaseTargetFromEnv, type DatabaseTarget } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import { migrateSchema } from '../platform/migrate.js';
import { migrations } from './migrations/index.js';

/**
 * The gateway's own data (API keys, tenants' persisted operations) lives in the Postgres schema
 * `edge`, beside the subgraphs' schemas and as independent of them: no subgraph reads it.
 */
export const EDGE_SCHEMA = 'edge';

/**
 * Where the edge's tables live: `EDGE_DATABASE_URL`, else `DATABASE_URL`, else the embedded
 * PGlite folder the caller names (null: in memory).
 */
export function edgeDatabaseTarget(env: Record<string, string | undefined>, pgliteDir: string | null): DatabaseTarget {
  return databaseTargetFromEnv(env, 'edge', pgliteDir);
}

/** Applies the edge's migrations (idempotent; each process may run it at start). */
export async function migrateEdge(db: Kysely<any>, logger: Logger): Promise<void> {
  await migrateSchema(db, EDGE_SCHEMA, migrations, logger);
}

/** The edge's tables, whatever schema the given connection defaults to. */
export function edgeTables(db: Kysely<any>): Kysely<any> {
  return db.withSchema(EDGE_SCHEMA);
}
