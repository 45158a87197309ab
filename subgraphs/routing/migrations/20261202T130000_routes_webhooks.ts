/** Migration 20261202T130000: creates holdings (from inventory's events), routes, consumed events, webhook endpoints, messages, attempts. */
import { sql, type Kysely } from 'kysely';

// Frozen in time: a migration never imports the application's table types.
export async function up(db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('routing');
  // Who holds which number, projected from inventory's events (never read from its tables).
  await s
    .createTable('holdings')
    .addColumn('e164', 'text', (c) => c.primaryKey())
    // null once released: the row stays, so an older event arriving late changes nothing
    .addColumn('tenant', 'text')
    .addColumn('provider_id', 'text')
    .addColumn('reference', 'text')
    // what the holder's offer could do when it was assigned, e.g. 'voice,sms'; null when not told
    .addColumn('capabilities', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await s
    .createTable('routes')
    .addColumn('e164', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('provider_id', 'text', (c) => c.notNull())
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('trunks', 'jsonb')
    .addColumn('messaging_uri', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Events already applied: consumed idempotently, in the transaction of their effect.
  await s
    .createTable('consumed_events')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await s
    .createTable('webhook_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('topics', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('previous_secret', 'text')
    .addColumn('previous_until', 'timestamptz')
    .addColumn('seq', 'bigserial', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_at', 'timestamptz')
    .execute();
  await s.createIndex('webhook_endpoints_tenant').on('webhook_endpoints').columns(['tenant', 'seq']).execute();
  // The webhook outbox: one message per event and endpoint, delivered in order per ordering key (a number).
  await s
    .createTable('webhook_messages')
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('endpoint_id', 'text', (c) => c.notNull())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('ordering_key', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('webhook_messages_once', ['endpoint_id', 'event_id'])
    .execute();
  await s.createIndex('webhook_messages_due').on('webhook_messages').columns(['state', 'next_attempt_at']).execute();
  await s.createIndex('webhook_messages_order').on('webhook_messages').columns(['endpoint_id', 'ordering_key', 'seq']).execute();
  await s
    .createTable('webhook_attempts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('message_seq', 'bigint', (c) => c.notNull())
    .addColumn('endpoint_id', 'text', (c) => c.notNull())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('attempted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await s.createIndex('webhook_attempts_tenant').on('webhook_attempts').columns(['tenant', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['webhook_attempts', 'webhook_messages', 'webhook_endpoints', 'consumed_events', 'routes', 'holdings']) await db.schema.withSchema('routing').dropTable(table).execute();
}
