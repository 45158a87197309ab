/** Migration 20261202T140000: adds end_user_ref to orders, the end user an order is for, sent upstream. */
import type { Kysely } from 'kysely';

// Frozen in time: the end user an order is for, sent upstream as endUserRef.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.withSchema('inventory').alterTable('orders').addColumn('end_user_ref', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.withSchema('inventory').alterTable('orders').dropColumn('end_user_ref').execute();
}
