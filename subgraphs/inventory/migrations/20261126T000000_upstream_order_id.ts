/** Migration 20261126T000000: adds upstream_order_id to order lines, the provider's id of the order in flight. */
import type { Kysely } from 'kysely';

/**
 * The provider's id of an upstream order once it accepted it: an order whose outcome is unknown
 * (the provider went down while we waited) is settled later by asking for that order, not by
 * ordering elsewhere (which could buy the number twice, or lose it).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.withSchema('inventory').alterTable('order_lines').addColumn('upstream_order_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.withSchema('inventory').alterTable('order_lines').dropColumn('upstream_order_id').execute();
}
