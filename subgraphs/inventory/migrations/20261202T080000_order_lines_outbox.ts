/** Migration 20261202T080000: order line state machine columns (leases, attempts, attention), versions, the outbox and stored search results. */
import { sql, type Kysely } from 'kysely';

/**
 * One state machine per order line (claimed → sent → accepted → pending → completed | failed),
 * retried by a worker with leases; versions for the numbers and orders whose changes go to the
 * transactional outbox; search results any instance can page through.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('inventory');
  await s
    .alterTable('order_lines')
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('claimed'))
    // providers refused so far (JSON array): the next send goes to the best offer not among them
    .addColumn('tried', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // while set and in the future, one process drives the line; any other leaves it alone
    .addColumn('lease_until', 'timestamptz')
    .addColumn('lease_owner', 'text')
    .addColumn('needs_attention', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('attention_reason', 'text')
    // what the number was when the order claimed it (available, or the tenant's reservation): its history's "from"
    .addColumn('claimed_from', 'text')
    .execute();
  // Lines written before the state machine: their state from what they recorded.
  await sql`update inventory.order_lines set state = case
      when status = 'completed' then 'completed' when status = 'failed' then 'failed'
      when upstream_order_id is not null then 'accepted' when upstream_key is not null then 'sent' else 'claimed' end`.execute(db);
  await sql`create index order_lines_unsettled on inventory.order_lines (next_attempt_at, order_id, position)
      where state in ('claimed', 'sent', 'accepted', 'pending')`.execute(db);

  await s.alterTable('numbers').addColumn('version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await s.alterTable('orders').addColumn('version', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  // Written in the transaction of the change it describes; the relay publishes and marks it.
  await s
    .createTable('outbox')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().unique())
    .addColumn('aggregate', 'text', (c) => c.notNull())
    .addColumn('aggregate_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('tenant', 'text')
    .addColumn('provider_id', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('published_at', 'timestamptz')
    .execute();
  await sql`create index outbox_unpublished on inventory.outbox (id) where published_at is null`.execute(db);

  await s
    .createTable('search_results')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text')
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await s.createIndex('search_results_expiry').on('search_results').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('inventory');
  await s.dropTable('search_results').execute();
  await s.dropTable('outbox').execute();
  await s.alterTable('orders').dropColumn('version').execute();
  await s.alterTable('numbers').dropColumn('version').execute();
  await sql`drop index inventory.order_lines_unsettled`.execute(db);
  for (const column of ['state', 'tried', 'attempts', 'next_attempt_at', 'lease_until', 'lease_owner', 'needs_attention', 'attention_reason', 'claimed_from']) {
    await s.alterTable('order_lines').dropColumn(column).execute();
  }
}
