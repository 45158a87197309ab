/** The tests' one way to open a database: Postgres when DATABASE_URL is set, else a copy of a PGlite template. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { migrateEdge } from '../../gateway/edge-db.js';
import { openDatabase, StatementCounter, type Database } from '../../platform/db.js';
import { createLogger } from '../../platform/logger.js';
import { copyTemplate, type PgliteCopy } from './pglite-template.js';

/** A copy of the empty PGlite template (initdb done), or of the imported plan's (e2e only). */
export function pgliteCopy(template: 'empty' | 'plan' = 'empty'): PgliteCopy {
  const folder = inject(template === 'empty' ? 'pgliteEmpty' : 'pglitePlan');
  if (!folder) throw new Error(`no PGlite ${template} template: is this test file in a project whose global setup builds it?`);
  return copyTemplate(folder);
}

/** PGlite on a copy of the empty template, the copy deleted when the database closes. */
async function openPgliteCopy(): Promise<Database> {
  const copy = pgliteCopy();
  try {
    const database = await openDatabase({ kind: 'pglite', dataDir: copy.dataDir });
    return {
      ...database,
      close: async () => {
        await database.close();
        copy.remove();
      },
    };
  } catch (error) {
    copy.remove();
    throw error;
  }
}

/**
 * An empty database of its own for one test file: PGlite (a copy of the empty template) by
 * default, or a new database on the Postgres server of DATABASE_URL (dropped again by `close`).
 */
export async function freshDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (!url) return openPgliteCopy();
  const name = `numbergraph_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: target.toString(), poolMax: 4, connectTimeoutMs: 5_000, statementTimeoutMs: 120_000 });
  return {
    ...database,
    close: async () => {
      await database.close();
      const dropper = new pg.Client({ connectionString: url });
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/**
 * For the edge's tests: the Postgres of DATABASE_URL when set (shared with other test files:
 * tests use tenants of their own, see `uniqueTenant`), else PGlite in `pgliteDir` or in a copy
 * of the empty template; migrated, its statements counted.
 */
export async function openTestEdgeDatabase(pgliteDir: string | null = null): Promise<Database & { statements: StatementCounter }> {
  const url = process.env.DATABASE_URL;
  const database = url
    ? await openDatabase({ kind: 'postgres', url, poolMax: 2, connectTimeoutMs: 5_000, statementTimeoutMs: 60_000 })
    : pgliteDir
      ? await openDatabase({ kind: 'pglite', dataDir: pgliteDir })
      : await openPgliteCopy();
  await migrateEdge(database.db, createLogger({ LOG_LEVEL: 'silent' }));
  const statements = new StatementCounter();
  return { ...database, db: database.db.withPlugin(statements), statements };
}

/** A tenant id no other test (or earlier run on the same Postgres) uses. */
export function uniqueTenant(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
