import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
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
  // The migrator creates the schema with its migration table (and copes with a concurrent start).
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  for (const applied of result.results ?? []) {
    if (applied.status === 'Success') logger.info({ schema, migration: applied.migrationName }, 'migration applied');
    if (applied.status === 'Error') logger.error({ schema, migration: applied.migrationName }, 'migration failed');
  }
  if (result.error) {
    throw new Error(`migrating schema "${schema}" failed: ${(result.error as Error).message ?? String(result.error)}`);
  }
}
