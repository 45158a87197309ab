/**
 * `npm run bench`: ratios measured in one run, on the embedded default (PGlite under .data/,
 * imported if needed) or on DATABASE_URL.
 *
 * 1. SQL statements and upstream provider calls per Lineage-style request as the number of
 *    numbers in it grows: must stay flat.
 * 2. Gateway overhead: requests through the gateway over HTTP against the same operation run
 *    straight on the allocations subgraph schema, in the same process, interleaved.
 * 3. The gateway tier: stock @apollo/gateway against the project's (Hive Gateway runtime, Rust
 *    planner): Lineage requests per second at BENCH_CONCURRENCY, subgraph fetches for 20 numbers.
 * 4. Markets: `markets` for every market against one `market`, and how long `/health` and a
 *    one-field `number` take to answer while `markets` runs (the embedded database works on its
 *    own thread). `npm run bench -- markets` runs this section alone.
 * 5. Orders per second with 1, 2 and 3 inventory instances (bench/orders.ts; needs DATABASE_URL).
 *
 * `npm run bench -- --shape distributed` runs bench/distributed.ts instead: the product's gateway,
 * the bare Hive runtime and stock @apollo/gateway, each its own process, over four subgraph processes.
 */
// `npm run bench -- --shape distributed`: the gateways over four subgraph processes (bench/distributed.ts), alone
const shapeAt = process.argv.indexOf('--shape');
if (shapeAt !== -1 && process.argv[shapeAt + 1] === 'distributed') {
  // a bad setting (BENCH_*, --scale) is refused before anything starts, naming it
  const loaded = await import('./distributed.js').catch((error: Error) => {
    // a setting refused (it names itself) in one line; anything else with its stack
    const setting = /^(--scale|BENCH_|the distributed bench needs)/.test(error.message);
    console.error(setting ? `bench: ${error.message}` : error);
    process.exit(2);
  });
  await loaded.benchDistributed();
  process.exit();
}
import { graphql } from 'graphql';
import { DEVELOPMENT_ANALYST } from '../contracts/identity.js';
import { readBenchSettings } from './settings.js';
import { createLogger } from '../platform/logger.js';
import { pgliteDirFromEnv, startEmbedded } from '../src/embedded.js';
import { postGraphQL } from '../test/support/http.js';
import { randomBytes } from 'node:crypto';
import { SIGNED_SCOPE_HEADER, signScope } from '../contracts/signed-scope.js';
import { serveSubgraph } from '../platform/http-server.js';
import { benchOrders } from './orders.js';
import { countFetches, requestsPerSecond, startApolloGateway, startBareRuntime } from './gateways.js';
import { readFileSync } from 'node:fs';
import { SCHEMA_DIR } from '../subgraphs/subgraph.js';

const logger = createLogger(process.env, 'warn');
const NUMBERS = ['+447400123456', '+14162015555', '+4920112345678', '+4915112345678', '+447700900123', '+12015550123', '+33612345678', '+819012345678'];
const { BENCH_ROUNDS: ROUNDS, BENCH_CONCURRENCY: CONCURRENCY, BENCH_SECONDS: SECONDS } = readBenchSettings(process.env);

const pgliteDir = pgliteDirFromEnv(process.env);
console.log('bench: starting the embedded product (imports the numbering plan where it changed: a database without it would measure lookups that find nothing)...');
// one client hammers the gateway with up to 100 numbers a request: limits raised
const embedded = await startEmbedded({ env: { ...process.env, RATE_LIMIT_REQUESTS: '10000000', MAX_ALIASES: '1000', MAX_ROOT_FIELDS: '1000', MAX_COST: '1000000' }, logger, pgliteDir, importPlan: 'always' });
const url = await embedded.gateway.listen(0, '127.0.0.1');
const allocations = embedded.subgraphs.allocations!;

const fields = 'e164 country numberType block { prefix region status allocatedOn carrier { id name ocn } authority { id name country } } originatingCarrier { id name }';
const aliased = (count: number) =>
  `query { ${Array.from({ length: count }, (_, i) => `n${i}: number(e164: "${NUMBERS[i % NUMBERS.length]!.slice(0, -2)}${String(i).padStart(2, '0')}") { ${fields} }`).join(' ')} }`;

async function viaGateway(query: string): Promise<void> {
  const body = await postGraphQL(url, query);
  if (body.errors) throw new Error(`gateway answered errors: ${JSON.stringify(body.errors)}`);
}

async function direct(query: string): Promise<void> {
  const result = await graphql({ schema: allocations.schema, source: query, contextValue: allocations.createContext({ identity: DEVELOPMENT_ANALYST, requestId: 'test' }) });
  if (result.errors) throw new Error(`subgraph answered errors: ${JSON.stringify(result.errors)}`);
}

// npm run bench -- <section>...: statements, overhead, gateways, markets, orders (default: all)
const sections = process.argv.slice(2);
const run = (section: string) => sections.length === 0 || sections.includes(section);

const MARKET_FIELDS = 'country numberType totalNumbers directNumbers resoldNumbers providers { provider { id name } tier numbers direct }';

/** Milliseconds a request takes, answered without errors. */
async function timed(query: string, variables?: Record<string, unknown>): Promise<number> {
  const t = performance.now();
  const body = await postGraphQL(url, query, variables);
  if (body.errors) throw new Error(`gateway answered errors: ${JSON.stringify(body.errors).slice(0, 300)}`);
  return performance.now() - t;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Polls `probe` back to back while `work` runs: each probe's latency. */
async function latencyDuring(work: () => Promise<unknown>, probe: () => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let done = false;
  const working = work().finally(() => (done = true));
  while (!done) {
    const t = performance.now();
    await probe();
    latencies.push(performance.now() - t);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await working;
  return latencies;
}

async function markets(): Promise<void> {
  const all = await postGraphQL<{ markets: { totalCount?: number; edges: { node: { country: string; numberType: string } }[] } }>(url, `{ markets(first: 100) { edges { node { country numberType } } } }`);
  const list = all.data?.markets.edges.map((e) => e.node) ?? [];
  if (list.length === 0) {
    console.log('\n4. markets: the catalogue is empty (no provider synced): skipped');
    return;
  }
  const one = list[0]!;
  const oneQuery = `query ($country: String!, $numberType: NumberType!) { market(country: $country, numberType: $numberType) { ${MARKET_FIELDS} } }`;
  const allQuery = `{ markets(first: 100) { edges { node { ${MARKET_FIELDS} } } } }`;
  await timed(oneQuery, one);
  await timed(allQuery);
  const oneMs: number[] = [];
  const allMs: number[] = [];
  for (let round = 0; round < 5; round++) {
    oneMs.push(await timed(oneQuery, one));
    allMs.push(await timed(allQuery));
  }
  console.log(`\n4. markets (${list.length} markets), median of 5`);
  console.log(`   one market (${one.country} ${one.numberType}): ${median(oneMs).toFixed(0)} ms; every market: ${median(allMs).toFixed(0)} ms (${(median(allMs) / median(oneMs)).toFixed(1)}x one market)`);
  const health = await latencyDuring(
    async () => {
      for (let i = 0; i < 3; i++) await timed(allQuery);
    },
    async () => {
      const response = await fetch(new URL('/health', url));
      if (!response.ok) throw new Error(`/health answered ${response.status}`);
    },
  );
  console.log(`   /health while markets runs: ${health.length} answers, median ${median(health).toFixed(0)} ms, slowest ${Math.max(...health).toFixed(0)} ms`);
  const lookup = await latencyDuring(
    async () => {
      for (let i = 0; i < 3; i++) await timed(allQuery);
    },
    () => timed(`{ number(e164: "+447400123456") { country block { prefix } } }`),
  );
  console.log(`   a one-field number(...) while markets runs: ${lookup.length} answers, median ${median(lookup).toFixed(0)} ms, slowest ${Math.max(...lookup).toFixed(0)} ms`);
}

try {
  if (run('statements')) {
    console.log('\n1. SQL statements (allocations, and every subgraph) and upstream provider calls per request, by numbers per request');
    const recorder = embedded.providers.directory?.recorder ?? null;
    const subgraphs = Object.values(embedded.subgraphs);
    const perSize: [number, number, number, number][] = [];
    for (const size of [1, 10, 50, 100]) {
      const before = allocations.statements.count;
      const allBefore = subgraphs.reduce((n, s) => n + s.statements.count, 0);
      recorder?.resetCounts();
      await viaGateway(aliased(size));
      perSize.push([size, allocations.statements.count - before, subgraphs.reduce((n, s) => n + s.statements.count, 0) - allBefore, recorder?.callCount() ?? 0]);
    }
    for (const [size, statements, all, calls] of perSize) console.log(`   ${String(size).padStart(3)} numbers: ${statements} statements (all subgraphs ${all}), ${calls} upstream calls`);
    console.log(`   ratio 100 numbers / 1 number: ${(perSize.at(-1)![1] / perSize[0]![1]).toFixed(2)} (flat is 1.00)`);
  }

  if (run('overhead')) {
    console.log(`\n2. gateway overhead, ${ROUNDS} rounds of a 1-number and a 10-number request`);
    // A direct call to the subgraph as a client would make one: its own HTTP service (as in the
    // distributed shape), signed as the gateway signs. Also the subgraph's schema run in-process
    // with graphql() (no HTTP, parsed and validated on every call), for comparison.
    const secret = randomBytes(32).toString('hex');
    const served = await serveSubgraph(allocations, logger, 0, '127.0.0.1', secret);
    const overHttp = async (query: string) => {
      const body = JSON.stringify({ query });
      const scope = signScope({ identity: DEVELOPMENT_ANALYST, requestId: 'bench' }, secret, body);
      const response = await fetch(served.url, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNED_SCOPE_HEADER]: scope }, body });
      const result = (await response.json()) as { errors?: unknown };
      if (result.errors) throw new Error(`subgraph answered errors: ${JSON.stringify(result.errors)}`);
    };
    try {
      for (const size of [1, 10]) {
        const query = aliased(size);
        await viaGateway(query);
        await overHttp(query);
        await direct(query);
        const ms = { gateway: 0, http: 0, direct: 0 };
        const time = async (what: keyof typeof ms, call: () => Promise<void>) => {
          const t = performance.now();
          await call();
          ms[what] += performance.now() - t;
        };
        for (let round = 1; round <= ROUNDS; round++) {
          // rotating order: none always runs first, after the others have warmed the database
          const calls = [() => time('gateway', () => viaGateway(query)), () => time('http', () => overHttp(query)), () => time('direct', () => direct(query))];
          for (let i = 0; i < calls.length; i++) await calls[(i + round) % calls.length]!();
          if (round % 100 === 0) process.stdout.write(`   ... ${size} number(s): ${round}/${ROUNDS}\n`);
        }
        const per = (what: keyof typeof ms) => (ms[what] / ROUNDS).toFixed(2);
        console.log(
          `   ${size} number(s): gateway ${per('gateway')} ms; the subgraph called directly over HTTP ${per('http')} ms, ratio ${(ms.gateway / ms.http).toFixed(2)}x; run in-process ${per('direct')} ms, ratio ${(ms.gateway / ms.direct).toFixed(2)}x`,
        );
      }
    } finally {
      await served.stop();
    }
  }

  if (run('gateways')) {
    console.log(`\n3. gateway tier: Lineage at concurrency ${CONCURRENCY}, ${SECONDS} s per round, 4 rounds in rotating order`);
    const apollo = await startApolloGateway(embedded.subgraphs);
    const bare = await startBareRuntime(embedded.subgraphs);
    try {
      const lineage = readFileSync(`${SCHEMA_DIR}operations/Lineage.graphql`, 'utf8');
      const variables = { e164: '+447400123456' };
      const contenders = { apollo: apollo.url, bare: bare.url, product: url };
      const answers = await Promise.all(Object.values(contenders).map((at) => postGraphQL(at, lineage, variables)));
      if (new Set(answers.map((a) => JSON.stringify(a))).size !== 1) throw new Error('the gateways answer Lineage differently');
      const names = Object.keys(contenders) as (keyof typeof contenders)[];
      const rps = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<keyof typeof contenders, number[]>;
      for (let round = 0; round < 4; round++) {
        for (let i = 0; i < names.length; i++) {
          const which = names[(i + round) % names.length]!;
          rps[which].push(await requestsPerSecond(contenders[which], lineage, variables, CONCURRENCY, SECONDS));
        }
        process.stdout.write(`   ... round ${round + 1}/4\n`);
      }
      const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
      // 20 numbers, each with Lineage's whole selection (every subgraph contributes)
      const selection = lineage.slice(lineage.indexOf('number(') ).replace(/^number\(e164: \$e164\)/, '');
      const twenty = `query { ${Array.from({ length: 20 }, (_, i) => `n${i}: number(e164: "+4474001234${String(i).padStart(2, '0')}") ${selection.slice(0, selection.lastIndexOf('}'))}`).join(' ')} }`;
      const fetches = {
        apollo: await countFetches(embedded.subgraphs, () => postGraphQL(apollo.url, twenty)),
        product: await countFetches(embedded.subgraphs, () => postGraphQL(url, twenty)),
      };
      const label = { apollo: '@apollo/gateway 2.14, stock', bare: 'Hive runtime + Rust planner, bare', product: 'the product gateway (runtime + edge)' };
      for (const n of names) console.log(`   ${label[n].padEnd(38)} ${mean(rps[n]).toFixed(0).padStart(5)} req/s (${(mean(rps[n]) / mean(rps.apollo)).toFixed(2)}x)`);
      console.log(`   subgraph fetches for 20 numbers with Lineage's selection: @apollo/gateway ${fetches.apollo}, the product ${fetches.product}`);
    } finally {
      await apollo.stop();
      await bare.stop();
    }
  }

  if (run('markets')) await markets();
} finally {
  await embedded.close();
}
if (run('orders')) await benchOrders();
