/**
 * Orders per second with 1, 2 and 3 inventory instances (`npm run start:subgraph`, each its own
 * process) on one Postgres database (DATABASE_URL), over one provider simulator in this process:
 * BENCH_CONCURRENCY clients, each ordering one number at a time from the instances in turn, for
 * BENCH_SECONDS per count. Part of `npm run bench`; alone: `npm run bench:orders`.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { startSimulator } from '../providers/simulator/server.js';
import { readBenchSettings } from './settings.js';
import { createLogger } from '../platform/logger.js';
import { SIGNED_SCOPE_HEADER, signScope } from '../contracts/signed-scope.js';
import { freePort, startService, waitUntil, type Service } from '../test/support/processes.js';

export async function benchOrders(env: Record<string, string | undefined> = process.env): Promise<void> {
  const { BENCH_CONCURRENCY: concurrency, BENCH_SECONDS: seconds } = readBenchSettings(env);
  console.log(`\n5. orders per second with 1, 2 and 3 inventory instances on one Postgres database, ${concurrency} clients, ${seconds} s each`);
  if (!env.DATABASE_URL) {
    console.log('   skipped: several instances need a Postgres server (set DATABASE_URL)');
    return;
  }
  const name = `numbergraph_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: env.DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(env.DATABASE_URL);
  url.pathname = `/${name}`;
  const simulator = await startSimulator({ port: 0, instant: true, orderDelayMs: 20, scale: 3, logger: createLogger({ LOG_LEVEL: 'warn' }) });
  const secret = randomBytes(32).toString('hex');
  const instances: Service[] = [];
  const stock = simulator.world.numbers.filter((n) => n.status === 'available').map((n) => n.e164);
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
          PROVIDERS_URL: simulator.url,
          SYNC_INTERVAL_SECONDS: '0',
          LOG_LEVEL: 'error',
        });
        const probe = { query: '{ providers(first: 1) { totalCount } }' };
        await waitUntil(service, async () => (await fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNED_SCOPE_HEADER]: signScope({ identity: { role: 'analyst', tenant: null, keyId: null }, requestId: 'up' }, secret, probe) }, body: JSON.stringify(probe) })).ok);
        instances.push(service);
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
      console.log(`   ${count} instance(s): ${(completed / elapsed).toFixed(1)} orders/s completed (${completed} of ${sent} sent)`);
    }
  } finally {
    await Promise.all(instances.map((s) => s.stop()));
    await simulator.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchOrders();
