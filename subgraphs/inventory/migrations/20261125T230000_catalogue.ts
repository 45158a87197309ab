/** Migration 20261125T230000: creates the catalogue (providers, offers), numbers and their events, orders and order lines. */
import { sql, type Kysely } from 'kysely';

// Frozen in time: a migration never imports the application's table types.
export async function up(db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('inventory');
  await s
    .createTable('providers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('base_url', 'text', (c) => c.notNull())
    .addColumn('carrier_id', 'text')
    .addColumn('batch_limit', 'integer', (c) => c.notNull())
    .addColumn('page_cap', 'integer', (c) => c.notNull())
    // the feed position: the next sync asks only for what changed since
    .addColumn('feed_cursor', 'text')
    .addColumn('last_synced_at', 'timestamptz')
    .execute();

  // One provider's offer of one number, as its feed last described it.
  await s
    .createTable('offers')
    .addColumn('provider_id', 'text', (c) => c.notNull().references('inventory.providers.id'))
    .addColumn('e164', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('number_type', 'text', (c) => c.notNull())
    .addColumn('region', 'text')
    .addColumn('area_code', 'text')
    .addColumn('capabilities', 'text', (c) => c.notNull())
    .addColumn('source_carrier_id', 'text')
    .addColumn('source_provider_id', 'text')
    .addColumn('setup_amount', 'text', (c) => c.notNull())
    .addColumn('setup_currency', 'text', (c) => c.notNull())
    .addColumn('monthly_amount', 'text', (c) => c.notNull())
    .addColumn('monthly_currency', 'text', (c) => c.notNull())
    .addColumn('provider_status', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_confirmed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('removed_at', 'timestamptz')
    .addPrimaryKeyConstraint('offers_pk', ['e164', 'provider_id'])
    .execute();
  await s.createIndex('offers_market').on('offers').columns(['country', 'number_type', 'provider_id']).execute();

  // A catalogued number: its lifecycle here, its holder, and whose it is once reserved or assigned.
  await s
    .createTable('numbers')
    .addColumn('e164', 'text', (c) => c.primaryKey())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('number_type', 'text', (c) => c.notNull())
    .addColumn('holder_provider_id', 'text', (c) => c.references('inventory.providers.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('tenant', 'text')
    .addColumn('reserved_until', 'timestamptz')
    .addColumn('order_id', 'text')
    // the provider a tenant ordered through: its holder for that tenant (a reseller, maybe)
    .addColumn('assigned_via_provider_id', 'text')
    .addColumn('removed_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await s.createIndex('numbers_market').on('numbers').columns(['country', 'number_type', 'e164']).execute();
  await s.createIndex('numbers_holder').on('numbers').columns(['holder_provider_id', 'e164']).execute();

  await s
    .createTable('number_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('e164', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    // set when the transition is a tenant's (reservation, order, release): only it sees the row
    .addColumn('tenant', 'text')
    .execute();
  await s.createIndex('number_events_e164').on('number_events').columns(['e164', 'id']).execute();

  await s
    .createTable('orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('input_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // the same key twice for one tenant is the same order, never a second one
    .addUniqueConstraint('orders_tenant_key', ['tenant', 'idempotency_key'])
    .execute();

  await s
    .createTable('order_lines')
    .addColumn('order_id', 'text', (c) => c.notNull().references('inventory.orders.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('e164', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('provider_id', 'text')
    // the provider and idempotency key of the upstream order in flight: what recovery resends
    .addColumn('upstream_provider_id', 'text')
    .addColumn('upstream_key', 'text')
    // why a line failed, as a user error code (NOT_AVAILABLE, PROVIDER_FAILED, ...)
    .addColumn('error_code', 'text')
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('order_lines_pk', ['order_id', 'position'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('inventory');
  for (const table of ['order_lines', 'orders', 'number_events', 'numbers', 'offers', 'providers']) await s.dropTable(table).execute();
}
