/** Migration 20261202T193000: indexes the offers still listed by provider and market, so a search finds whom to ask without reading the market's offers. */
import { sql, type Kysely } from 'kysely';

// Frozen in time. Partial (withdrawn offers are not listed): whether a provider lists anything in
// a market is one index probe per provider, with or without a number type, not a scan of the
// market's offers (44,000 for GB MOBILE at scale 100).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index offers_listed_by_provider on inventory.offers (provider_id, country, number_type) where removed_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index inventory.offers_listed_by_provider`.execute(db);
}
