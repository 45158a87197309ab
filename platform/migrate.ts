/** Applies a subgraph's migrations to its own Postgres schema, with its own migration table; a restart checks them in one statement. */
import { DEFAULT_MIGRATION_TABLE, Migrator, sql, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import type { Logger } from './logger.js';

/**
 * Applies a subgraph's migrations to its own Postgres schema. Each subgraph keeps its own
 * migration table inside that schema, so subgraphs migrate independently, even when they
 * share one database.
 */
export async function migrateSchema(
  db: Kysely<any>,
  schema: string,
  migrations: Record<string, Migration>,
  logger: Logger,
): Promise<void> {
  // A restart finds every migration applied: one statement says so, where the migrator would
  // create, lock and read its tables (seconds over five schemas on the embedded database).
  if (await applied(db, schema, Object.keys(migrations))) return;
  // The migrator creates the schema with its migration table (and copes with a concurrent start).
  // On one connection without DB_STATEMENT_TIMEOUT_MS: that bound is for requests, and a
  // migration may walk every row of a big table (the chain facts of 389,400 numbers: about a
  // minute at scale 100), while another subgraph's migrator waits for the lock every migrator
  // shares; the bound would cancel both, failing the start. The connection gets it back after.
  const result: MigrationResultSet = await db.connection().execute(async (connection) => {
    await sql`set statement_timeout = 0`.execute(connection);
    try {
      const migrator = new Migrator({ db: connection, provider: { getMigrations: async () => migrations }, migrationTableSchema: schema });
      return await migrator.migrateToLatest();
    } finally {
      await sql`reset statement_timeout`.execute(connection);
    }
  });
  for (const applied of result.results ?? []) {
    if (applied.status === 'Success') logger.info({ schema, migration: applied.migrationName }, 'migration applied');
    if (applied.status === 'Error') logger.error({ schema, migration: applied.migrationName }, 'migration failed');
  }
  if (result.error) {
    throw new Error(`migrating schema "${schema}" failed: ${(result.error as Error).message ?? String(result.error)}`);
  }
}

/** Whether exactly these migrations are recorded in the schema's migration table (false when it does not exist). */
async function applied(db: Kysely<any>, schema: string, names: string[]): Promise<boolean> {
  try {
    const { rows } = await sql<{ name: string }>`select name from ${sql.table(`${schema}.${DEFAULT_MIGRATION_TABLE}`)}`.execute(db);
    const recorded = new Set(rows.map((r) => r.name));
    return recorded.size === names.length && names.every((name) => recorded.has(name));
  } catch {
    return false;
  }
}
