/**
 * `npm run bench:inventory`: SQL statements and upstream provider calls behind one
 * InventoryLineage page as the page grows (10, 100, 500 numbers): both must stay flat per
 * provider batch, whatever the page size. Runs the embedded default (PGlite under .data/, or
 * DATABASE_URL) over the provider simulator at SIMULATOR_SCALE (default 10 here).
 */
import { readFileSync } from 'node:fs';
import { createLogger } from '../platform/logger.js';
import { pgliteDirFromEnv, startEmbedded } from '../src/embedded.js';
import { postGraphQL } from '../test/support/http.js';

const logger = createLogger(process.env, 'warn');
const env = { SIMULATOR_SCALE: '10', SYNC_INTERVAL_SECONDS: '0', ...process.env };
console.log(`bench: starting the embedded product over a simulated world at scale ${env.SIMULATOR_SCALE} (imports and syncs on first use)...`);
const embedded = await startEmbedded({ env, logger, pgliteDir: pgliteDirFromEnv(env), importPlan: 'embedded', providers: { simulator: { instant: true } } });
const url = await embedded.gateway.listen(0, '127.0.0.1');
const query = readFileSync(new URL('../schema/operations/InventoryLineage.graphql', import.meta.url), 'utf8');
const recorder = embedded.providers.directory!.recorder;
const batchLimits = new Map(embedded.providers.simulator?.world.providers.map((p) => [p.id, p.batchLimit]) ?? []);

try {
  console.log(`catalogue: ${embedded.providers.firstSync?.numbersAdded ?? 0} numbers added by the first sync\n`);
  console.log('InventoryLineage: statements per subgraph and upstream status calls, by page size');
  const rows: { first: number; sql: number; calls: number; bound: number }[] = [];
  for (const first of [10, 100, 500]) {
    const before = Object.fromEntries(Object.entries(embedded.subgraphs).map(([name, s]) => [name, s.statements.count]));
    recorder.resetCounts();
    const body = await postGraphQL(url, query, { first });
    if (body.errors) throw new Error(`InventoryLineage answered errors: ${JSON.stringify(body.errors).slice(0, 500)}`);
    const perSubgraph = Object.entries(embedded.subgraphs).map(([name, s]) => `${name} ${s.statements.count - before[name]!}`);
    const perHolder = new Map<string, number>();
    const page = body.data as { numbers: { edges: { node: { holder: { id: string } } }[] } };
    for (const edge of page.numbers.edges) perHolder.set(edge.node.holder.id, (perHolder.get(edge.node.holder.id) ?? 0) + 1);
    const bound = [...perHolder].reduce((n, [id, count]) => n + Math.ceil(count / (batchLimits.get(id) ?? 1)), 0);
    const sql = Object.values(embedded.subgraphs).reduce((n, s) => n + s.statements.count, 0) - Object.values(before).reduce((n, c) => n + c, 0);
    rows.push({ first, sql, calls: recorder.callCount(undefined, 'status'), bound });
    console.log(`  first ${String(first).padStart(3)}: SQL ${sql} (${perSubgraph.join(', ')}); status calls ${recorder.callCount(undefined, 'status')} to ${perHolder.size} holders (bound ceil(n/batch) = ${bound})`);
  }
  console.log(`  ratio SQL 500 / 10: ${(rows[2]!.sql / rows[0]!.sql).toFixed(2)} (flat is 1.00); status calls within the bound: ${rows.every((r) => r.calls <= r.bound)}`);
} finally {
  await embedded.close();
}
