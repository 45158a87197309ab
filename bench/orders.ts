/**
 * Orders per second with 1, 2 and 3 inventory instances (`npm run start:subgraph`, each its own
 * process) on one Postgres database, over one provider simulator: BENCH_CONCURRENCY clients, each
 * ordering one number at a time from the instances in turn, for BENCH_SECONDS per count. Part of
 * `npm run bench`; alone: `npm run bench:orders` (`-- --help` for the variables).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { startSimulator } from '../providers/simulator/server.js';
import { readBenchSettings } from './settings.js';
import { createLogger } from '../platform/logger.js';
import { SIGNED_SCOPE_HEADER, signScope } from '../contracts/signed-scope.js';
import { freePort, startService, waitUntil, type Service } from '../test/support/processes.js';
import { databaseUrl, load, machineLine, shown, writeResult } from './report.js';

export const HELP = `Usage: DATABASE_URL=postgres://…/any npm run bench:orders

orderNumbers per second with 1, 2 and 3 inventory instances (\`npm run start:subgraph\`, each its
own process, leased order lines and advisory locks on one Postgres database), BENCH_CONCURRENCY
(default 20) clients each ordering one number at a time from the instances in turn, for
BENCH_SECONDS (default 5) per count. Prints orders/s with the load average; writes
bench/results/orders-<host>[-BENCH_LABEL].json.

  DATABASE_URL        a Postgres server: a fresh database numbergraph_bench_* on it, synced at
                      the first instance's start and dropped at the end
  BENCH_DATABASE_URL  instead, a database already synced (the orders change it: give a copy,
                      e.g. \`createdb -T s100 mycopy\`); used as is, not dropped
  PROVIDERS_URL       a running simulator to order from (the orders change its state: your own,
                      never a shared one); else a simulator starts in this process at
                      SIMULATOR_SCALE (default 3), whose clock and order delay are its own

Scale 100: a copy of a database synced from a scale-100 simulator of seed 1 and SIMULATOR_SCALE=100
here (the same world, generated again: about 2 minutes); the first instance's start-up sync then
reconciles what differs between the copy and this fresh world (minutes), and the numbers ordered
are those both have available.
`;

export async function benchOrders(env: Record<string, string | undefined> = process.env): Promise<void> {
  const { BENCH_CONCURRENCY: concurrency, BENCH_SECONDS: seconds } = readBenchSettings(env);
  console.log(`\n5. orders per second with 1, 2 and 3 inventory instances on one Postgres database, ${concurrency} clients, ${seconds} s each`);
  const server = env.BENCH_DATABASE_URL ?? env.DATABASE_URL;
  if (!server) {
    console.log('   skipped: several instances need a Postgres server (set DATABASE_URL or BENCH_DATABASE_URL)');
    return;
  }
  const loadBefore = os.loadavg();
  // a fresh database unless BENCH_DATABASE_URL names one already synced
  const name = env.BENCH_DATABASE_URL ? null : `numbergraph_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  if (name) await admin.query(`create database ${name}`);
  const url = name ? databaseUrl(server, name) : server;
  const scale = Number(env.SIMULATOR_SCALE ?? 3);
  if (!env.PROVIDERS_URL) console.log(`   a simulator in this process at scale ${scale}${scale >= 30 ? ' (generating the world takes a while)' : ''}...`);
  const simulator = env.PROVIDERS_URL ? null : await startSimulator({ port: 0, instant: true, orderDelayMs: 20, scale, logger: createLogger({ LOG_LEVEL: 'warn' }) });
  const providersUrl = env.PROVIDERS_URL ?? simulator!.url;
  const secret = randomBytes(32).toString('hex');
  const instances: Service[] = [];
  let stock: string[] = [];
  const rows: { instances: number; ordersPerSecond: number; completed: number; sent: number; seconds: number; loadAverage: number }[] = [];
  const order = async (service: Service, e164: string, key: string): Promise<boolean> => {
    const request = { query: 'mutation($input: OrderNumbersInput!) { orderNumbers(input: $input) { order { status } } }', variables: { input: { numbers: [e164], idempotencyKey: key } } };
    const response = await fetch(service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNED_SCOPE_HEADER]: signScope({ identity: { role: 'frontend', tenant: 'bench', keyId: 'bench' }, requestId: key }, secret, request) },
      body: JSON.stringify(request),
    });
    const body = (await response.json()) as { data?: { orderNumbers?: { order?: { status: string } } } };
    return body.data?.orderNumbers?.order?.status === 'COMPLETED';
  };
  try {
    for (const count of [1, 2, 3]) {
      while (instances.length < count) {
        const service = startService(`inventory ${instances.length + 1}`, 'start:subgraph', await freePort(), {
          SUBGRAPH: 'inventory',
          GATEWAY_SIGNING_SECRET: secret,
          DATABASE_URL: url.toString(),
          PROVIDERS_URL: providersUrl,
          SYNC_INTERVAL_SECONDS: '0',
          LOG_LEVEL: 'error',
        });
        // tracked before it is up: a start that times out is stopped too
        instances.push(service);
        const probe = { query: '{ providers(first: 1) { totalCount } }' };
        // the first instance syncs the catalogue before it answers: minutes for a big world
        await waitUntil(service, async () => (await fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNED_SCOPE_HEADER]: signScope({ identity: { role: 'analyst', tenant: null, keyId: null }, requestId: 'up' }, secret, probe) }, body: JSON.stringify(probe) })).ok, 900_000);
        if (instances.length === 1) {
          // what the catalogue holds available after the first instance's start-up sync (and, with a
          // simulator here, what it has available too: a copied database may be older than its world)
          const db = new pg.Client({ connectionString: url });
          await db.connect();
          const { rows: available } = await db.query<{ e164: string }>(`select e164 from inventory.numbers where status = 'available' and tenant is null and removed_at is null order by random() limit 50000`);
          await db.end();
          const upstream = simulator ? new Set(simulator.world.numbers.filter((n) => n.status === 'available').map((n) => n.e164)) : null;
          stock = available.map((r) => r.e164).filter((e164) => !upstream || upstream.has(e164));
          console.log(`   ${stock.length} available numbers to order (load ${load()})`);
        }
      }
      let completed = 0;
      let sent = 0;
      const end = performance.now() + seconds * 1000;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (performance.now() < end) {
            const e164 = stock.shift();
            if (!e164) return;
            const i = sent++;
            if (await order(instances[i % instances.length]!, e164, `bench-${count}-${i}`)) completed++;
          }
        }),
      );
      const elapsed = (performance.now() - started) / 1000;
      rows.push({ instances: count, ordersPerSecond: completed / elapsed, completed, sent, seconds: elapsed, loadAverage: os.loadavg()[0]! });
      console.log(`   ${count} instance(s): ${(completed / elapsed).toFixed(1)} orders/s completed (${completed} of ${sent} sent), load ${load()}`);
    }
    console.log(`   ${machineLine(loadBefore)}`);
    const file = writeResult('orders', loadBefore, ['pg', 'kysely', 'graphql', '@apollo/subgraph'], {
      settings: { concurrency, seconds, database: name ? 'a fresh database' : shown(url), providers: simulator ? `a simulator in the bench process at scale ${scale}` : providersUrl },
      rows,
    });
    console.log(`   written: ${file}`);
  } finally {
    await Promise.all(instances.map((s) => s.stop()));
    await simulator?.close();
    if (name) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv.includes('--help') || process.argv.includes('-h')) process.stdout.write(HELP);
  else await benchOrders();
}
