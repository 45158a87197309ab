/** Migration 20261125T110000: creates the numbering plan's authorities, carriers, sources and blocks, with the prefix index for lookups. */
import { sql, type Kysely } from 'kysely';

// Frozen in time: a migration never imports the application's table types.
export async function up(db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('allocations');
  await s
    .createTable('authorities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('full_name', 'text', (c) => c.notNull())
    .addColumn('country', 'text')
    .addColumn('oversight', 'text')
    .addColumn('known', 'boolean', (c) => c.notNull())
    .execute();
  await s.createIndex('authorities_country').on('authorities').column('country').execute();

  await s
    .createTable('carriers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('ocn', 'text')
    .addColumn('country', 'text')
    .addColumn('authority_id', 'text', (c) => c.notNull().references('allocations.authorities.id'))
    .execute();
  await s.createIndex('carriers_country_name').on('carriers').columns(['country', 'name']).execute();

  await s
    .createTable('sources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('files', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('rows_read', 'integer', (c) => c.notNull())
    .addColumn('blocks_loaded', 'integer', (c) => c.notNull())
    .addColumn('rows_skipped', 'integer', (c) => c.notNull())
    .addColumn('imported_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await s
    .createTable('blocks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source_id', 'text', (c) => c.notNull().references('allocations.sources.id'))
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('precedence', 'smallint', (c) => c.notNull())
    .addColumn('country', 'text')
    .addColumn('authority_id', 'text', (c) => c.notNull().references('allocations.authorities.id'))
    .addColumn('carrier_id', 'text', (c) => c.references('allocations.carriers.id'))
    .addColumn('status', 'text')
    .addColumn('allocated_on', 'date')
    .addColumn('region', 'text')
    .addColumn('number_length', 'smallint')
    .addColumn('line', 'integer', (c) => c.notNull())
    .addUniqueConstraint('blocks_source_prefix', ['source_id', 'prefix'])
    .execute();
  // Longest-prefix match looks up every leading substring of a number by equality.
  await s.createIndex('blocks_prefix').on('blocks').column('prefix').execute();
  await s.createIndex('blocks_carrier_prefix').on('blocks').columns(['carrier_id', 'prefix']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('allocations');
  await s.dropTable('blocks').execute();
  await s.dropTable('sources').execute();
  await s.dropTable('carriers').execute();
  await s.dropTable('authorities').execute();
}
