/**
 * `npm run events -- tail [--from-start]`: prints the inventory's events as they are published,
 * one JSON object a line, for an operator: from NATS JetStream (NATS_URL, where the relay
 * publishes), else from the outbox of the inventory's Postgres database
 * (INVENTORY_DATABASE_URL / DATABASE_URL). Stops on Ctrl-C.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { OutboxRow } from '../subgraphs/inventory/tables.js';
import pg from 'pg';
import { toEvent } from '../subgraphs/inventory/workers/relay.js';
import { jetStreamBus } from '../platform/events.js';
import { readSettings } from '../platform/settings-schema.js';
import { defineCommand, parseCommandLine, runAsMain, UsageError } from './cli.js';

const USAGE = `usage: npm run events -- tail [--from-start]

Prints the inventory's events (number.claimed, number.assigned, order.line_settled, ...) as
they are published, one JSON object a line, until Ctrl-C.
  --from-start   every event the stream (or the outbox) still holds first, then new ones

Reads NATS JetStream at NATS_URL (stream NUMBERGRAPH_INVENTORY), else the outbox table of the
inventory's Postgres database (INVENTORY_DATABASE_URL, else DATABASE_URL).`;

/** `npm run events -- tail` in-process: its exit code, once stopped by SIGINT. */
export const run = defineCommand('events', async (argv, env, io) => {
  const { values, positionals } = parseCommandLine(argv, { help: { type: 'boolean' }, 'from-start': { type: 'boolean' } });
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (positionals[0] !== 'tail' || positionals.length !== 1) throw new UsageError(`unknown command "${positionals.join(' ')}": the command is tail`);
  const fromStart = values['from-start'] === true;
  const stopped = new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  const print = (event: unknown) => io.stdout(`${JSON.stringify(event)}\n`);

  const { NATS_URL: natsUrl, EVENTS_NAMESPACE: namespace, INVENTORY_DATABASE_URL, DATABASE_URL } = readSettings(env, ['NATS_URL', 'EVENTS_NAMESPACE', 'INVENTORY_DATABASE_URL', 'DATABASE_URL']);
  if (natsUrl) {
    const bus = await jetStreamBus(natsUrl, namespace);
    const unsubscribe = await bus.subscribe(print, { fromStart });
    io.stderr(`events: following NATS JetStream at ${new URL(natsUrl).host} (Ctrl-C to stop)\n`);
    await stopped;
    await unsubscribe();
    await bus.close();
    return 0;
  }
  const databaseUrl = INVENTORY_DATABASE_URL ?? DATABASE_URL;
  if (!databaseUrl) throw new UsageError('set NATS_URL (where the relay publishes) or DATABASE_URL (the inventory\'s Postgres database) to follow its events');
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 1 }) }) });
  try {
    let after = fromStart ? 0 : Number((await sql<{ id: number | null }>`select max(id) as id from inventory.outbox`.execute(db)).rows[0]?.id ?? 0);
    io.stderr('events: following the outbox of the inventory database (Ctrl-C to stop)\n');
    let done = false;
    void stopped.then(() => (done = true));
    while (!done) {
      const rows = await db.selectFrom('inventory.outbox').selectAll().where('id', '>', after).orderBy('id').limit(500).execute();
      for (const row of rows as OutboxRow[]) print(toEvent(row));
      after = rows.at(-1)?.id ?? after;
      if (rows.length < 500) await Promise.race([sleep(500), stopped]);
    }
  } finally {
    await db.destroy();
  }
  return 0;
});

runAsMain(import.meta.url, run);
