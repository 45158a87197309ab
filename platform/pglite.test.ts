/** The embedded PGlite over pg connections: concurrent statements answered per connection, transactions isolated, a dropped one rolled back. */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pgliteCopy } from '../test/support/database.js';
import { hostPglite, SOCKET_PORT, type PgliteHost } from './pglite.js';

/** The embedded database as its clients see it: several `pg` connections to one PGlite. */
let host: PgliteHost;
const connect = async () => {
  const client = new pg.Client({ host: host.socketDir, port: SOCKET_PORT, user: 'postgres', database: 'postgres' });
  await client.connect();
  return client;
};

// a copy of the empty template: initdb is done once per run
const copy = pgliteCopy();
beforeAll(async () => {
  host = await hostPglite(copy.dataDir);
});
afterAll(async () => {
  await host?.close();
  copy.remove();
});

it('answers each connection its own statement when many run at once (no Bind lands on another connection\'s Parse)', async () => {
  const pool = new pg.Pool({ host: host.socketDir, port: SOCKET_PORT, user: 'postgres', database: 'postgres', max: 8 });
  try {
    const answers = await Promise.all(
      // a statement of its own each (a Bind that met another's Parse would answer that one's id)
      Array.from({ length: 200 }, (_, i) => pool.query(`select ${i} as id, $1::text as label`, [`n${i}`]).then((r) => r.rows[0])),
    );
    expect(answers).toEqual(Array.from({ length: 200 }, (_, i) => ({ id: i, label: `n${i}` })));
  } finally {
    await pool.end();
  }
});

it('keeps an open transaction to its connection: another connection\'s statement waits for the commit, and never runs inside it', async () => {
  const [a, b] = [await connect(), await connect()];
  try {
    await a.query('create table ledger (n int)');
    await a.query('begin');
    await a.query('insert into ledger values ($1)', [1]);
    let answered = false;
    const read = b.query('select count(*)::int as rows from ledger').then((r) => ((answered = true), r.rows[0].rows as number));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    await a.query('rollback');
    // had it run inside a's transaction, it would have counted the row the rollback removed
    expect(await read).toBe(0);
  } finally {
    await a.end();
    await b.end();
  }
});

it('rolls back the transaction of a connection that goes away in the middle of it, and serves the others', async () => {
  const [a, b] = [await connect(), await connect()];
  try {
    await b.query('create table stock (n int)');
    await a.query('begin');
    await a.query('insert into stock values (1)');
    a.end().catch(() => undefined);
    const { rows } = await b.query('select count(*)::int as rows from stock');
    expect(rows[0].rows).toBe(0);
  } finally {
    await b.end();
  }
});
