/** Migration 20261125T230000: adds source snapshot dates and kinds, carrier operator codes, block_history and per-country source coverage. */
import { sql, type Kysely } from 'kysely';

// Frozen in time: a migration never imports the application's table types.
export async function up(db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('allocations');
  // The snapshot a source's files are, and what kind of source it is (authority file,
  // carrier prefixes, geography), for the plan's coverage.
  await s.alterTable('sources').addColumn('snapshot_date', 'date').execute();
  await s.alterTable('sources').addColumn('kind', 'text').execute();

  // The code an authority knows a carrier by (OCN, ARCEP operator code): it survives a rename.
  await s.alterTable('carriers').addColumn('operator_code', 'text').execute();
  await s.createIndex('carriers_country_operator_code').on('carriers').columns(['country', 'operator_code']).execute();

  // What changed between two snapshots of a source, block by block. Rows outlive the block
  // (a withdrawn range keeps its history) and name holders by name, not by a carrier row.
  await s
    .createTable('block_history')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('block_id', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull().references('allocations.sources.id'))
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('holder_before', 'text')
    .addColumn('holder_after', 'text')
    .addColumn('status_before', 'text')
    .addColumn('status_after', 'text')
    .addColumn('snapshot_before', 'date')
    .addColumn('snapshot_after', 'date')
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await s.createIndex('block_history_block').on('block_history').columns(['block_id', 'id']).execute();

  // How many blocks each source gives each country: the plan's coverage without a scan.
  await s
    .createTable('source_countries')
    .addColumn('source_id', 'text', (c) => c.notNull().references('allocations.sources.id'))
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('blocks', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('source_countries_pk', ['source_id', 'country'])
    .execute();
  await s.createIndex('source_countries_country').on('source_countries').column('country').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('allocations');
  await s.dropTable('source_countries').execute();
  await s.dropTable('block_history').execute();
  await s.dropIndex('carriers_country_operator_code').execute();
  await s.alterTable('carriers').dropColumn('operator_code').execute();
  await s.alterTable('sources').dropColumn('kind').execute();
  await s.alterTable('sources').dropColumn('snapshot_date').execute();
}
