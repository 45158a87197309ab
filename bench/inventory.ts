/**
 * `npm run bench:inventory`: SQL statements and upstream provider calls behind one
 * InventoryLineage page (`numbers(first)` with every number's lineage) as the page grows: both
 * must stay flat per provider batch, whatever the page size. Runs the embedded default (PGlite
 * under .data/, or BENCH_DATABASE_URL / DATABASE_URL) over the provider simulator at
 * SIMULATOR_SCALE (default 10 here), or over PROVIDERS_URL. `--help` for the variables.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createLogger } from '../platform/logger.js';
import { pgliteDirFromEnv, startEmbedded } from '../src/embedded.js';
import { postGraphQL } from '../test/support/http.js';
import { load, machineLine, shown, writeResult } from './report.js';

const HELP = `Usage: npm run bench:inventory

One InventoryLineage request (numbers(first: N) with every number's lineage, through the
embedded product's gateway) per page size: SQL statements per subgraph, and upstream provider
calls (every operation; status calls against their bound, ceil(numbers per holder / its batch
limit)). Prints a table with the load average; writes bench/results/inventory-<host>[-BENCH_LABEL].json.

  BENCH_PAGES         page sizes (default 10,50,100)
  BENCH_DATABASE_URL  Postgres for the embedded product (else DATABASE_URL, else PGlite under
                      .data/); the plan is imported and the catalogue synced on first use
  PROVIDERS_URL       a running simulator (e.g. scale 100 with a database synced from it), else a
                      simulator starts in this process at SIMULATOR_SCALE (default 10)

Scale 100: PROVIDERS_URL=http://127.0.0.1:4717 BENCH_DATABASE_URL=postgres://…/copy-of-s100 \\
  BENCH_LABEL=scale-100 npm run bench:inventory
`;

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(HELP);
  process.exit(0);
}

const logger = createLogger(process.env, 'warn');
const env: Record<string, string | undefined> = {
  SIMULATOR_SCALE: '10',
  SYNC_INTERVAL_SECONDS: '0',
  ...process.env,
  ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
  // one request asks for every number of a page: limits raised as for `npm run bench`
  RATE_LIMIT_REQUESTS: '10000000',
  MAX_COST: '1000000',
  MAX_UPSTREAM_CALLS: '10000000',
  UPSTREAM_CALLS_PER_MINUTE: '100000000',
};
const pages = (process.env.BENCH_PAGES ?? '10,50,100').split(',').map(Number);
const loadBefore = os.loadavg();
const where = env.PROVIDERS_URL ? `the simulator at ${env.PROVIDERS_URL}` : `a simulated world at scale ${env.SIMULATOR_SCALE}`;
console.log(`bench:inventory: starting the embedded product over ${where}${env.DATABASE_URL ? ` on ${shown(env.DATABASE_URL)}` : ''} (imports and syncs on first use; load ${load()})...`);
const embedded = await startEmbedded({ env, logger, pgliteDir: pgliteDirFromEnv(env), importPlan: 'always', providers: { simulator: { instant: true } } });
const url = await embedded.gateway.listen(0, '127.0.0.1');
const query = readFileSync(new URL('../schema/operations/InventoryLineage.graphql', import.meta.url), 'utf8');
const directory = embedded.providers.directory!;
const recorder = directory.recorder;
// each provider's batch limit as its profile states it (the same with a simulator here or elsewhere)
const batchLimits = new Map(
  await Promise.all(directory.entries.map(async (e) => [e.id, ((await (await fetch(new URL('profile', e.baseUrl))).json()) as { batchLimit: number }).batchLimit] as const)),
);

try {
  console.log(`catalogue: ${embedded.providers.firstSync?.numbersAdded ?? 0} numbers added and ${embedded.providers.firstSync?.numbersChanged ?? 0} changed by the start-up sync\n`);
  const rows: { first: number; numbers: number; sql: number; sqlPerSubgraph: Record<string, number>; upstreamCalls: number; callsByOperation: Record<string, number>; statusCalls: number; bound: number; holders: number; ms: number; loadAverage: number }[] = [];
  // once untimed and uncounted: plans, connections, caches
  await postGraphQL(url, query, { first: pages[0] });
  for (const first of pages) {
    const before = Object.fromEntries(Object.entries(embedded.subgraphs).map(([name, s]) => [name, s.statements.count]));
    recorder.resetCounts();
    const started = performance.now();
    const body = await postGraphQL(url, query, { first });
    const ms = performance.now() - started;
    if (body.errors) throw new Error(`InventoryLineage answered errors: ${JSON.stringify(body.errors).slice(0, 500)}`);
    const sqlPerSubgraph = Object.fromEntries(Object.entries(embedded.subgraphs).map(([name, s]) => [name, s.statements.count - before[name]!]));
    const perHolder = new Map<string, number>();
    const page = body.data as { numbers: { edges: { node: { holder: { id: string } } }[] } };
    for (const edge of page.numbers.edges) perHolder.set(edge.node.holder.id, (perHolder.get(edge.node.holder.id) ?? 0) + 1);
    const bound = [...perHolder].reduce((n, [id, count]) => n + Math.ceil(count / (batchLimits.get(id) ?? 1)), 0);
    const callsByOperation: Record<string, number> = {};
    for (const ops of Object.values(recorder.callCounts())) for (const [op, n] of Object.entries(ops)) callsByOperation[op] = (callsByOperation[op] ?? 0) + (n ?? 0);
    const row = {
      first,
      numbers: page.numbers.edges.length,
      sql: Object.values(sqlPerSubgraph).reduce((n, c) => n + c, 0),
      sqlPerSubgraph,
      upstreamCalls: recorder.callCount(),
      callsByOperation,
      statusCalls: recorder.callCount(undefined, 'status'),
      bound,
      holders: perHolder.size,
      ms,
      loadAverage: os.loadavg()[0]!,
    };
    rows.push(row);
    console.log(`   first ${first}: ${row.numbers} numbers, SQL ${row.sql}, upstream calls ${row.upstreamCalls}, ${ms.toFixed(0)} ms (load ${load()})`);
  }
  console.log(`\nInventoryLineage by page size, over ${where}`);
  console.log(machineLine(loadBefore));
  console.log('| first | numbers | SQL statements (per subgraph) | upstream calls (by operation) | status calls / bound ceil(n/batch) | holders | ms | load |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const perSubgraph = Object.entries(r.sqlPerSubgraph).map(([name, n]) => `${name} ${n}`).join(', ');
    const byOperation = Object.entries(r.callsByOperation).map(([op, n]) => `${op} ${n}`).join(', ') || 'none';
    console.log(`| ${r.first} | ${r.numbers} | ${r.sql} (${perSubgraph}) | ${r.upstreamCalls} (${byOperation}) | ${r.statusCalls} / ${r.bound} | ${r.holders} | ${r.ms.toFixed(0)} | ${r.loadAverage.toFixed(2)} |`);
  }
  const last = rows.at(-1)!;
  console.log(`ratio SQL first ${last.first} / first ${rows[0]!.first}: ${(last.sql / rows[0]!.sql).toFixed(2)} (flat is 1.00); status calls within the bound: ${rows.every((r) => r.statusCalls <= r.bound)}`);
  const file = writeResult('inventory', loadBefore, ['pg', 'kysely', 'graphql', '@graphql-hive/gateway-runtime'], {
    settings: { pages, providers: env.PROVIDERS_URL ?? `a simulator in this process at scale ${env.SIMULATOR_SCALE}`, database: env.DATABASE_URL ? shown(env.DATABASE_URL) : 'PGlite' },
    startupSync: embedded.providers.firstSync,
    rows,
  });
  console.log(`written: ${file}`);
} finally {
  await embedded.close();
}
