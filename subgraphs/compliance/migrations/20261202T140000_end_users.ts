/** Migration 20261202T140000: creates tenants' end users, their uploaded documents, and submissions of registrations to providers. */
import { sql, type Kysely } from 'kysely';

/** A tenant's end users, their documents (content kept, never served to another tenant), and what was submitted to which provider. Frozen: Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('compliance');
  await s
    .createTable('end_users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await s.createIndex('end_users_tenant').on('end_users').columns(['tenant', 'created_at', 'id']).execute();
  await s
    .createTable('end_user_documents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('end_user_id', 'text', (c) => c.notNull().references('compliance.end_users.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('content', 'bytea', (c) => c.notNull())
    .addColumn('uploaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await s.createIndex('end_user_documents_owner').on('end_user_documents').columns(['end_user_id', 'uploaded_at', 'id']).execute();
  await s
    .createTable('submissions')
    .addColumn('end_user_id', 'text', (c) => c.notNull().references('compliance.end_users.id'))
    .addColumn('provider_id', 'text', (c) => c.notNull())
    .addColumn('registration_id', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('number_type', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('submissions_pk', ['end_user_id', 'provider_id', 'registration_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('compliance');
  await s.dropTable('submissions').execute();
  await s.dropTable('end_user_documents').execute();
  await s.dropTable('end_users').execute();
}
