/** Migration 20261202T223000: when a provider's feed is being read from its start, so a read interrupted and resumed still withdraws what the feed no longer lists. */
import { sql, type Kysely } from 'kysely';

// Frozen in time. Null while no read from the start is under way.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table inventory.providers add column full_read_since timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table inventory.providers drop column full_read_since`.execute(db);
}
