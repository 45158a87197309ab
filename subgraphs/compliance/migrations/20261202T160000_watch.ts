/** Migration 20261202T160000: adds submission status and version, and expiry_announcements of documents about to expire. */
import { sql, type Kysely } from 'kysely';

/** The review state last seen of each submission, and the documents whose coming expiry was announced (frozen: Kysely<any>). */
export async function up(db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('compliance');
  await s.alterTable('submissions').addColumn('status', 'text').execute();
  await s.alterTable('submissions').addColumn('version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await s
    .createTable('expiry_announcements')
    .addColumn('provider_id', 'text', (c) => c.notNull())
    .addColumn('document_id', 'text', (c) => c.notNull())
    .addColumn('expires_on', 'text', (c) => c.notNull())
    .addColumn('announced_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('expiry_announcements_pk', ['provider_id', 'document_id', 'expires_on'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('compliance');
  await s.dropTable('expiry_announcements').execute();
  await s.alterTable('submissions').dropColumn('version').execute();
  await s.alterTable('submissions').dropColumn('status').execute();
}
