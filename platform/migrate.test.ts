/** Migrations: one longer than DB_STATEMENT_TIMEOUT_MS still applies, another service's migrator waits for it, and the pool keeps its bound afterwards. */
import { sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { freshDatabase } from '../test/support/database.js';
import { openDatabase } from './db.js';
import { createLogger } from './logger.js';
import { migrateSchema } from './migrate.js';

it.skipIf(!process.env.DATABASE_URL)('applies a migration that runs past the statement timeout requests have, and requests keep the timeout', async () => {
  const created = await freshDatabase();
  if (created.target.kind !== 'postgres') throw new Error('needs Postgres');
  // the product's pool as a service opens it: every statement bounded at 200 ms
  const database = await openDatabase({ ...created.target, statementTimeoutMs: 200 });
  try {
    const logger = createLogger({ LOG_LEVEL: 'silent' });
    const slow = migrateSchema(database.db, 'slow', {
      '20260101T000000_slow_walk': {
        up: async (db: Kysely<any>) => {
          // a walk of every row of a big table, as the chain facts' migration does: 600 ms here
          await sql`select pg_sleep(0.6)`.execute(db);
          await db.schema.createTable('slow.walked').addColumn('id', 'integer').execute();
        },
      },
    }, logger);
    // another subgraph's service starting at the same time waits for the migrators' shared lock
    await new Promise((resolve) => setTimeout(resolve, 100));
    const waiting = migrateSchema(database.db, 'patient', { '20260101T000000_quick': { up: async (db: Kysely<any>) => void (await db.schema.createTable('patient.made').addColumn('id', 'integer').execute()) } }, logger);
    await Promise.all([slow, waiting]);
    const tables = await sql<{ name: string }>`select table_schema || '.' || table_name as name from information_schema.tables where table_schema in ('slow', 'patient')`.execute(database.db);
    expect(tables.rows.map((r) => r.name)).toEqual(expect.arrayContaining(['slow.walked', 'patient.made']));
    await expect(sql`select pg_sleep(0.6)`.execute(database.db)).rejects.toThrow(/statement timeout/);
  } finally {
    await database.close();
    await created.close();
  }
});
