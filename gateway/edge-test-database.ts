import { randomBytes } from 'node:crypto';
import { openDatabase, StatementCounter, type Database } from '../subgraphs/shared/db.js';
import { createLogger } from '../subgraphs/shared/logger.js';
import { migrateEdge } from './edge-db.js';

/**
 * For the edge's tests: PGlite in memory by default, or the Postgres of DATABASE_URL (shared
 * with other test files: tests use tenants of their own, see `uniqueTenant`), migrated.
 */
export async function openTestEdgeDatabase(): Promise<Database & { statements: StatementCounter }> {
  const url = process.env.DATABASE_URL;
  const database = await openDatabase(
    url ? { kind: 'postgres', url, poolMax: 2, connectTimeoutMs: 5_000, statementTimeoutMs: 60_000 } : { kind: 'pglite', dataDir: null },
  );
  await migrateEdge(database.db, createLogger());
  const statements = new StatementCounter();
  return { ...database, db: database.db.withPlugin(statements), statements };
}

/** A tenant id no other test (or earlier run on the same Postgres) uses. */
export function uniqueTenant(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
