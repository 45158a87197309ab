/** Migration 20261202T130000: creates compliance.documents, each provider's agreements and allocation records with status and expiry. */
import { sql, type Kysely } from 'kysely';

/** Providers' supply-chain documents as their feeds publish them (frozen: Kysely<any>). */
export async function up(db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('compliance');
  await s
    .createTable('documents')
    .addColumn('provider_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    // an agreement's other party: provider:<id> or carrier:<id>
    .addColumn('counterparty', 'text')
    .addColumn('carrier_id', 'text')
    .addColumn('range_prefix', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('issued_on', 'text', (c) => c.notNull())
    .addColumn('expires_on', 'text')
    .addColumn('synced_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('documents_pk', ['provider_id', 'id'])
    .execute();
  await s.createIndex('documents_agreement').on('documents').columns(['provider_id', 'counterparty']).execute();
  await s.createIndex('documents_record').on('documents').columns(['carrier_id', 'range_prefix']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.withSchema('compliance').dropTable('documents').execute();
}
