import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { openDatabase, StatementCounter, type Database } from '../subgraphs/shared/db.js';
import { createLogger } from '../subgraphs/shared/logger.js';
import { migrateEdge } from './edge-db.js';

/**
 * For the edge's tests: the Postgres of DATABASE_URL when set (shared with other test files:
 * tests use tenants of their own, see `uniqueTenant`), else PGlite in `pgliteDir` or in memory;
 * migrated.
 */
export async function openTestEdgeDatabase(pgliteDir: string | null = null): Promise<Database & { statements: StatementCounter }> {
  const url = process.env.DATABASE_URL;
  const database = await openDatabase(
    url ? { kind: 'postgres', url, poolMax: 2, connectTimeoutMs: 5_000, statementTimeoutMs: 60_000 } : { kind: 'pglite', dataDir: pgliteDir },
  );
  await migrateEdge(database.db, createLogger());
  const statements = new StatementCounter();
  return { ...database, db: database.db.withPlugin(statements), statements };
}

/** A tenant id no other test (or earlier run on the same Postgres) uses. */
export function uniqueTenant(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs one of the project's scripts as a user does (`tsx scripts/<name>.ts …`), in its own
 * process, against the test database: DATABASE_URL when set, else the PGlite folder given.
 */
export function runScript(script: string, args: string[], pgliteDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      `${ROOT}node_modules/.bin/tsx`,
      [`scripts/${script}.ts`, ...args],
      { cwd: ROOT, env: { ...process.env, PGLITE_DIR: pgliteDir, LOG_LEVEL: 'warn' }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}
