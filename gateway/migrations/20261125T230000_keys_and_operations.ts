/** Migration 20261125T230000: creates edge.api_keys (sha-256 of each key) and tenants' registered persisted operations. */
import { sql, type Kysely } from 'kysely';

// Frozen in time: a migration never imports the application's table types.
export async function up(db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('edge');
  // An API key is kept only as the sha-256 of the key; the key itself is shown once, at creation.
  await s
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key_sha256', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('partner', 'frontend', 'analyst', 'admin')`))
    .addColumn('tenant', 'text')
    .addColumn('name', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await s.createIndex('api_keys_tenant').on('api_keys').column('tenant').execute();

  // A tenant's registered persisted operations: its manifest, replaced whole on each registration.
  await s
    .createTable('tenant_operations')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('registered_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('tenant_operations_pkey', ['tenant', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.withSchema('edge').dropTable('tenant_operations').execute();
  await db.schema.withSchema('edge').dropTable('api_keys').execute();
}
