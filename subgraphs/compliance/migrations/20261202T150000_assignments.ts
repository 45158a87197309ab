/** Migration 20261202T150000: creates assignments, the end user and provider each tenant's number is assigned for. */
import { sql, type Kysely } from 'kysely';

/** Which tenant's end user holds a number, as inventory's events say (frozen: Kysely<any>). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .withSchema('compliance')
    .createTable('assignments')
    .addColumn('e164', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('end_user_id', 'text')
    .addColumn('provider_id', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('assigned_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.withSchema('compliance').dropTable('assignments').execute();
}
