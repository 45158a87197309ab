/**
 * `npm run bench -- --shape distributed`: the three gateways side by side over the same four
 * subgraph processes on Postgres, one gateway process each:
 *
 * - product: `src/gateway.ts` (Hive runtime + Rust planner + the edge's plugins), asked with an
 *   analyst API key, so key lookup, rate limit, limits, metrics and signing all run;
 * - bare: the Hive runtime + Rust planner at its defaults, signing the scope header (bench/peer-gateway.ts);
 * - stock: @apollo/gateway + Apollo Server, signing the scope header (bench/peer-gateway.ts);
 * - embedded: the embedded default (`src/main.ts`, gateway and four subgraphs in one process) on the
 *   same database and providers: its CPU includes the subgraphs' work, so its row compares
 *   requests per second and latency with the distributed product's, not CPU.
 *
 * Lineage on distinct numbers (one number per request: in-flight deduplication cannot help) and
 * on repeated ones (eight numbers in turn), and InventoryLineage (first 100), at 1, 10 and 50
 * connections, in rounds whose gateway order rotates. Every answer is compared with the first
 * answer any gateway gave for the same variables. Gateway CPU is read from /proc/<pid>/stat of
 * each gateway process (user + system), RSS from /proc/<pid>/status: CPU ms per request is the
 * figure that holds on a shared machine; the load average is printed beside it.
 *
 * Needs Postgres: BENCH_DATABASE_URL, else DATABASE_URL (the plan is imported on first use).
 * BENCH_SECONDS (default 5) per measurement, BENCH_ROUNDS (default 2), BENCH_CONNECTIONS
 * (default 1,10,50), BENCH_GATEWAYS (default stock,bare,product,embedded), BENCH_WORKLOADS (names' starts;
 * the scale rows `markets`, `MarketDepth`, `searchNumbers` run only when named), PROVIDERS_URL (a
 * simulator of another scale), BENCH_LABEL. Writes bench/results/distributed-<host>[-label].json.
 *
 * `--scale N` runs the heavy part: a simulator of its own at scale N (unless PROVIDERS_URL), every
 * row including the scale rows, the product's gateway only, at 1 and 10 connections, labelled
 * `scale-N` (each still overridable by its variable). Give it a database of its own per scale: the
 * first sync of a scale-100 world into an empty one takes minutes (its progress is printed).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import { SUBGRAPH_NAMES } from '../subgraphs/names.js';
import { removeEventsNamespace, testEventsNamespace } from '../test/support/events.js';
import { freePort } from '../test/support/processes.js';
import { MAX_SCALE } from '../providers/generator/world.js';
import { sellerLatencies, type SellerLatency } from './provider-latency.js';
import { machineLine, ROOT, writeResult } from './report.js';

/** `--scale N`, or null: checked before anything starts. */
function readScale(argv: readonly string[]): number | null {
  const joined = argv.find((arg) => arg.startsWith('--scale='));
  const at = argv.indexOf('--scale');
  if (at === -1 && !joined) return null;
  const value = joined ? joined.slice('--scale='.length) : (argv[at + 1] ?? '');
  const scale = Number(value);
  if (!/^\d+$/.test(value) || scale < 1 || scale > MAX_SCALE) throw new Error(`--scale must be a whole number from 1 to ${MAX_SCALE}, got "${value}"`);
  return scale;
}
const SCALE = readScale(process.argv);
/** The simulator's scale: --scale, else SIMULATOR_SCALE as the simulator itself reads it. */
const SIMULATOR_SCALE = SCALE ?? Number(process.env.SIMULATOR_SCALE ?? 1);
/** How long a start may take: building and first syncing a scale-100 world takes minutes, and grows with the scale. */
const START_TIMEOUT_MS = Math.max(300_000, SIMULATOR_SCALE * 60_000);
const LABEL = process.env.BENCH_LABEL ?? (SCALE === null ? undefined : `scale-${SCALE}`);

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
if (!DATABASE_URL) throw new Error('the distributed bench needs Postgres: set BENCH_DATABASE_URL or DATABASE_URL');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? (SCALE === null ? '1,10,50' : '1,10')).split(',').map(Number);
const GATEWAYS = (process.env.BENCH_GATEWAYS ?? (SCALE === null ? 'stock,bare,product,embedded' : 'product')).split(',') as GatewayName[];
for (const name of GATEWAYS) if (!['stock', 'bare', 'product', 'embedded'].includes(name)) throw new Error(`BENCH_GATEWAYS: unknown gateway "${name}" (stock, bare, product, embedded)`);
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROF_DIR; // --cpu-prof of each gateway and subgraph process (a folder each), for the flame graph
const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim() || '100');
const SECRET = randomBytes(32).toString('hex');

type GatewayName = 'stock' | 'bare' | 'product' | 'embedded';

interface Proc {
  name: string;
  child: ChildProcess;
  url: string;
  output(): string;
  stop(): Promise<void>;
}

function start(name: string, args: string[], port: number, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    child,
    url: `http://127.0.0.1:${port}/`,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killed);
    },
  };
}

async function waitFor(proc: Proc, check: () => Promise<boolean>, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let reported = Date.now();
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited (${proc.child.exitCode}):\n${proc.output()}`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 300));
    if (Date.now() - reported >= 15_000) {
      // a long start (the first sync of a large world): its latest progress line
      reported = Date.now();
      const last = proc.output().trim().split('\n').at(-1) ?? '';
      console.log(`   ... waiting for ${proc.name}${last ? `: ${last.slice(0, 200)}` : ''}`);
    }
  }
  throw new Error(`${proc.name} was not ready in ${timeoutMs / 1000} s:\n${proc.output()}`);
}

/** CPU milliseconds (user + system) a process has used so far. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // after the command: state is field 3; utime and stime are fields 14 and 15
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** JSON with object keys sorted: two gateways' answers compare by meaning, not key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const operation = (name: string) => readFileSync(`${ROOT}schema/operations/${name}.graphql`, 'utf8');

interface Workload {
  name: string;
  query: string;
  variables(i: number): Record<string, unknown>;
  connections: number[];
  /** Run only when BENCH_WORKLOADS names it (the scale rows: `markets`, `MarketDepth`, `searchNumbers`). */
  optIn?: boolean;
  /** Whether answers are compared (a search's live results change with the providers' state: not). */
  compare?: boolean;
}

interface Measurement {
  workload: string;
  gateway: GatewayName;
  connections: number;
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerRequest: number;
  rssMb: number;
  mismatches: number;
  errors: number;
  loadAverage: number;
}

const reference = new Map<string, string>();
const errorExamples: { workload: string; gateway: string; status: number; errors: string }[] = [];
const mismatchExamples: { workload: string; gateway: string; variables: string; got: string; expected: string }[] = [];

async function measure(gateway: GatewayName, proc: Proc, pool: Pool, workload: Workload, connections: number, headers: Record<string, string>): Promise<Measurement> {
  const pid = proc.child.pid!;
  const latencies: number[] = [];
  let mismatches = 0;
  let errors = 0;
  let next = 0;
  const cpuBefore = cpuMs(pid);
  const started = performance.now();
  const until = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        const variables = workload.variables(next++);
        const t = performance.now();
        const response = await pool.request({
          path: '/',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true', ...headers },
          body: JSON.stringify({ query: workload.query, variables }),
        });
        const body = (await response.body.json()) as { errors?: unknown };
        latencies.push(performance.now() - t);
        if (body.errors || response.statusCode !== 200) {
          errors += 1;
          if (errorExamples.length < 10) errorExamples.push({ workload: workload.name, gateway, status: response.statusCode, errors: JSON.stringify(body.errors ?? null).slice(0, 300) });
        }
        if (workload.compare === false) continue;
        const key = `${workload.name} ${JSON.stringify(variables)}`;
        const answer = canonical(body);
        const expected = reference.get(key);
        if (expected === undefined) reference.set(key, answer);
        else if (expected !== answer) {
          mismatches += 1;
          if (mismatchExamples.length < 5) mismatchExamples.push({ workload: workload.name, gateway, variables: JSON.stringify(variables), got: answer.slice(0, 400), expected: expected.slice(0, 400) });
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuMs(pid) - cpuBefore;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    workload: workload.name,
    gateway,
    connections,
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    cpuMsPerRequest: cpu / latencies.length,
    rssMb: rssMb(pid),
    mismatches,
    errors,
    loadAverage: os.loadavg()[0]!,
  };
}

/** The product's CPU per request over each peer's, per round (both measured in that round), and their median. */
function pairedRatios(results: Measurement[], cells: { workload: string; connections: number }[]) {
  const out: { workload: string; connections: number; peer: GatewayName; ratios: number[]; median: number }[] = [];
  for (const { workload, connections } of cells) {
    const of = (gateway: GatewayName) => results.filter((r) => r.workload === workload && r.connections === connections && r.gateway === gateway);
    const product = of('product');
    for (const peer of ['stock', 'bare'] as const) {
      const theirs = of(peer);
      if (product.length === 0 || theirs.length !== product.length) continue;
      const ratios = product.map((m, round) => m.cpuMsPerRequest / theirs[round]!.cpuMsPerRequest);
      const sorted = [...ratios].sort((a, b) => a - b);
      const middle = Math.floor(sorted.length / 2);
      const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
      out.push({ workload, connections, peer, ratios, median });
    }
  }
  return out;
}

async function retryOnce<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch {
    return call();
  }
}

export async function benchDistributed(): Promise<void> {
  const procs: Proc[] = [];
  const pools: Pool[] = [];
  // routing and compliance follow the inventory's events over NATS JetStream between processes
  const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  // streams of this run's own on NATS: routing's durable consumer starts from nothing, not from other runs' events
  const eventsNamespace = testEventsNamespace().replace('test_', 'bench_');
  const env = { DATABASE_URL: DATABASE_URL!, GATEWAY_SIGNING_SECRET: SECRET, NATS_URL, EVENTS_NAMESPACE: eventsNamespace };
  try {
    console.log(`bench (distributed): importing the numbering plan into ${DATABASE_URL!.replace(/\/\/[^@]*@/, '//…@')} if it changed...`);
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/import.ts'], { cwd: ROOT, env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] });
    // one provider simulator (or PROVIDERS_URL) for every service and the embedded shape alike
    let providersUrl = process.env.PROVIDERS_URL;
    if (!providersUrl) {
      const port = await freePort();
      const simulator = start('simulator', ['scripts/simulator.ts'], port, { SIMULATOR_PORT: String(port), SIMULATOR_SCALE: String(SIMULATOR_SCALE) });
      procs.push(simulator);
      providersUrl = `http://127.0.0.1:${port}`;
      if (SIMULATOR_SCALE > 1) console.log(`bench (distributed): the simulator builds a scale-${SIMULATOR_SCALE} world (scale 100: about a minute and a half)...`);
      await waitFor(simulator, async () => (await fetch(`${providersUrl}/directory`)).ok, START_TIMEOUT_MS);
    }
    console.log('bench (distributed): starting four subgraph processes (the inventory syncs the providers first)...');
    const urls: Record<string, string> = {};
    for (const name of SUBGRAPH_NAMES) {
      const profile = CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROFILE_DIR}/subgraph-${name}`] : [];
      // at a larger scale the inventory's sync logs its progress, which the wait below prints
      const logLevel: Record<string, string> = name === 'inventory' && SCALE !== null ? { LOG_LEVEL: 'info' } : {};
      const proc = start(name, [...profile, 'src/subgraph-server.ts'], await freePort(), { ...env, SUBGRAPH: name, SYNC_INTERVAL_SECONDS: '0', PROVIDERS_URL: providersUrl, ...logLevel });
      procs.push(proc);
      urls[`${name.toUpperCase()}_URL`] = proc.url;
    }
    // the first sync of a scale-100 world into an empty database takes minutes
    await Promise.all(procs.map((proc) => waitFor(proc, async () => (await fetch(proc.url, { method: 'POST' })).status > 0, START_TIMEOUT_MS)));
    console.log(`bench (distributed): starting the gateways (${GATEWAYS.join(', ')})...`);
    const gatewayEnv = { ...env, ...urls, RATE_LIMIT_REQUESTS: '10000000', MAX_UPSTREAM_CALLS: '10000000', UPSTREAM_CALLS_PER_MINUTE: '100000000' };
    const gateways: Partial<Record<GatewayName, Proc>> = {};
    for (const name of GATEWAYS) {
      const profile = CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROFILE_DIR}/${name}`] : [];
      const args = [...profile, name === 'product' ? 'src/gateway.ts' : name === 'embedded' ? 'src/main.ts' : 'bench/peer-gateway.ts'];
      // the embedded shape: the same database, providers and limits, its subgraphs in its own process
      const proc = start(name, args, await freePort(), name === 'embedded' ? { ...gatewayEnv, PROVIDERS_URL: providersUrl, SYNC_INTERVAL_SECONDS: '0' } : { ...gatewayEnv, BENCH_GATEWAY: name });
      procs.push(proc);
      gateways[name] = proc;
    }
    for (const name of ['product', 'embedded'] as const) {
      const gateway = gateways[name];
      if (gateway) await waitFor(gateway, async () => (await fetch(new URL('/ready', gateway.url))).status === 200);
    }
    for (const name of GATEWAYS) await waitFor(gateways[name]!, async () => (await fetch(gateways[name]!.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })).ok);

    const keyOutput = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/keys.ts', 'create', '--role', 'analyst', '--name', 'bench'], { cwd: ROOT, env: { ...process.env, ...env, LOG_LEVEL: 'warn' } }).toString();
    const headers = { authorization: `Bearer ${keyOutput.trim().split('\n').at(-1)!.trim()}` };

    // distinct numbers: the held ones (the whole chain answers) and valid ones nobody holds, alternating
    const held: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20 && held.length < 2_000; page++) {
      // once more on a reset: the gateway may close an idle keep-alive connection as it is reused
      const response = await retryOnce(() => fetch(gateways[GATEWAYS[0]!]!.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: 'query($after: String) { numbers(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node { e164 } } } }', variables: { after } }),
      }));
      const body = (await response.json()) as { data?: { numbers: { pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { e164: string } }[] } } };
      if (!body.data) break;
      held.push(...body.data.numbers.edges.map((e) => e.node.e164));
      if (!body.data.numbers.pageInfo.hasNextPage) break;
      after = body.data.numbers.pageInfo.endCursor;
    }
    const unheld: string[] = [];
    const prefixes = ['+447400', '+447700', '+1201555', '+1416201', '+4915112', '+4920112', '+336123', '+819012'];
    for (let i = 0; unheld.length < 60_000; i++) {
      const prefix = prefixes[i % prefixes.length]!;
      const e164 = `${prefix}${String(Math.floor(i / prefixes.length)).padStart(prefix.startsWith('+1') ? 4 : 5, '0')}`;
      if (isValidPhoneNumber(e164)) unheld.push(e164);
      if (i > 1_000_000) break;
    }
    const distinct = unheld.map((n, i) => (i % 2 === 0 && held.length > 0 ? held[(i / 2) % held.length]! : n));
    console.log(`bench (distributed): ${held.length} held numbers and ${unheld.length} unheld ones for distinct Lineage requests`);
    const REPEATED = ['+447400123456', '+14162015555', '+4920112345678', '+4915112345678', '+447700900123', '+12015550123', '+33612345678', '+819012345678'];
    const workloads = ([] as Workload[]).concat([
      { name: 'Lineage, distinct numbers', query: operation('Lineage'), variables: (i: number) => ({ e164: distinct[i % distinct.length]! }), connections: CONNECTIONS },
      { name: 'Lineage, repeated numbers', query: operation('Lineage'), variables: (i: number) => ({ e164: REPEATED[i % REPEATED.length]! }), connections: CONNECTIONS },
      { name: 'InventoryLineage (first 100)', query: operation('InventoryLineage'), variables: () => ({ first: 100 }), connections: CONNECTIONS.filter((c) => c === 10) },
      {
        name: 'markets (first 100)',
        query: '{ markets(first: 100) { edges { node { country numberType totalNumbers directNumbers resoldNumbers providers { provider { id name } tier numbers direct } } } } }',
        variables: () => ({}),
        connections: [1],
        optIn: true,
      },
      { name: 'MarketDepth (GB MOBILE)', query: operation('MarketDepth'), variables: () => ({ country: 'GB', numberType: 'MOBILE' }), connections: [1], optIn: true },
      {
        name: 'searchNumbers (GB MOBILE, first 50)',
        query: 'query($input: SearchNumbersInput!) { searchNumbers(input: $input, first: 50) { searchId results { edges { cursor } } providerErrors { code } } }',
        variables: () => ({ input: SEARCH_INPUT }),
        connections: [1],
        optIn: true,
        compare: false,
      },
    ]).filter((w: Workload) =>
      process.env.BENCH_WORKLOADS ? process.env.BENCH_WORKLOADS.split(',').some((name) => w.name.startsWith(name)) : SCALE !== null || !w.optIn,
    );

    for (const name of GATEWAYS) pools.push(new Pool(new URL(gateways[name]!.url).origin, { connections: Math.max(...CONNECTIONS), pipelining: 1 }));
    const poolOf = (name: GatewayName) => pools[GATEWAYS.indexOf(name)]!;
    // warm-up: plans, caches, JIT; and the first reference answers
    for (const workload of workloads) for (const name of GATEWAYS) for (let i = 0; i < 20; i++) {
      const response = await poolOf(name).request({ path: '/', method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: workload.query, variables: workload.variables(100_000 + i) }) });
      await response.body.text();
    }

    const results: Measurement[] = [];
    const loadBefore = os.loadavg();
    const total = workloads.reduce((n, w) => n + w.connections.length, 0) * ROUNDS * GATEWAYS.length;
    let step = 0;
    const began = Date.now();
    for (const workload of workloads) {
      for (const connections of workload.connections) {
        for (let round = 0; round < ROUNDS; round++) {
          for (let g = 0; g < GATEWAYS.length; g++) {
            const name = GATEWAYS[(g + round) % GATEWAYS.length]!;
            const m = await measure(name, gateways[name]!, poolOf(name), workload, connections, headers);
            results.push(m);
            step += 1;
            const left = ((Date.now() - began) / step) * (total - step) / 1000;
            console.log(
              `   [${step}/${total}, ~${left.toFixed(0)} s left] ${workload.name} c=${connections} round ${round + 1} ${name}: ${m.rps.toFixed(0)} req/s, ${m.cpuMsPerRequest.toFixed(2)} CPU ms/req, p50 ${m.p50Ms.toFixed(1)} ms, ${m.mismatches} mismatches, ${m.errors} errors, load ${m.loadAverage.toFixed(2)}`,
            );
          }
        }
      }
    }

    const rows = workloads.flatMap((workload) =>
      workload.connections.flatMap((connections) =>
        GATEWAYS.map((gateway) => {
          const ms = results.filter((r) => r.workload === workload.name && r.connections === connections && r.gateway === gateway);
          const requests = ms.reduce((n, m) => n + m.requests, 0);
          const seconds = ms.reduce((n, m) => n + m.seconds, 0);
          return {
            workload: workload.name,
            connections,
            gateway,
            requests,
            rps: requests / seconds,
            p50Ms: ms.reduce((n, m) => n + m.p50Ms, 0) / ms.length,
            p99Ms: Math.max(...ms.map((m) => m.p99Ms)),
            cpuMsPerRequest: ms.reduce((n, m) => n + m.cpuMsPerRequest * m.requests, 0) / requests,
            rssMb: Math.max(...ms.map((m) => m.rssMb)),
            mismatches: ms.reduce((n, m) => n + m.mismatches, 0),
            errors: ms.reduce((n, m) => n + m.errors, 0),
          };
        }),
      ),
    );
    const label: Record<GatewayName, string> = {
      stock: 'stock @apollo/gateway + Apollo Server',
      bare: 'bare Hive runtime + Rust planner',
      product: "the product's gateway",
      embedded: 'the embedded default (gateway and subgraphs in one process)',
    };
    console.log(`\nDistributed shape: four subgraph processes on Postgres, one gateway process each; ${ROUNDS} rounds of ${SECONDS} s, gateway order rotating`);
    console.log(machineLine(loadBefore));
    console.log('| workload | c | gateway | req/s | x stock req/s | p50 ms | p99 ms | gateway CPU ms/req | x stock CPU | x bare CPU | RSS MB | checked | mismatches | errors |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const row of rows) {
      const peer = (gateway: GatewayName) => rows.find((r) => r.workload === row.workload && r.connections === row.connections && r.gateway === gateway);
      const ratio = (gateway: GatewayName, of: 'cpuMsPerRequest' | 'rps') => {
        const other = peer(gateway);
        // the embedded process's CPU includes its subgraphs': no CPU ratio for it
        return other && !(of === 'cpuMsPerRequest' && row.gateway === 'embedded') ? (row[of] / other[of]).toFixed(2) : '-';
      };
      const cpu = row.gateway === 'embedded' ? `(${row.cpuMsPerRequest.toFixed(2)}, with subgraphs)` : row.cpuMsPerRequest.toFixed(2);
      console.log(
        `| ${row.workload} | ${row.connections} | ${label[row.gateway]} | ${row.rps.toFixed(0)} | ${ratio('stock', 'rps')} | ${row.p50Ms.toFixed(1)} | ${row.p99Ms.toFixed(1)} | ${cpu} | ${ratio('stock', 'cpuMsPerRequest')} | ${ratio('bare', 'cpuMsPerRequest')} | ${row.rssMb.toFixed(0)} | ${row.requests} | ${row.mismatches} | ${row.errors} |`,
      );
    }
    // the steadiest comparison on a shared machine: the product against each peer within one round, measured back to back
    const paired = pairedRatios(results, workloads.flatMap((w) => w.connections.map((c) => ({ workload: w.name, connections: c }))));
    if (paired.length > 0) {
      console.log('\nProduct gateway CPU per request against each peer, round by round (each pair measured back to back):');
      for (const p of paired) console.log(`  ${p.workload} c=${p.connections} vs ${p.peer}: ${p.ratios.map((r) => r.toFixed(2)).join(', ')} (median ${p.median.toFixed(2)})`);
      const embedded = rows.filter((r) => r.gateway === 'embedded');
      for (const row of embedded) {
        const product = rows.find((r) => r.workload === row.workload && r.connections === row.connections && r.gateway === 'product');
        if (product) console.log(`  embedded against distributed (product), ${row.workload} c=${row.connections}: ${(row.rps / product.rps).toFixed(2)}x the requests per second`);
      }
    }
    // a search waits for its slowest seller at each level of its split: its p50 against that seller's
    let searchAgainstSlowest: { slowest: SellerLatency; searchP50Ms: number; ratio: number } | null = null;
    const searchRow = rows.find((r) => r.workload.startsWith('searchNumbers') && r.gateway === 'product');
    if (searchRow) {
      // measured after the rows: a provider failing here costs this line, not the run's results
      const sellers = await sellerLatencies(providersUrl, SEARCH_INPUT).catch((error: Error) => {
        console.log(`\nsearchNumbers against its sellers: not measured (${error.message})`);
        return [];
      });
      if (sellers.length > 0) {
        const slowest = sellers[0]!;
        searchAgainstSlowest = { slowest, searchP50Ms: searchRow.p50Ms, ratio: searchRow.p50Ms / slowest.p50Ms };
        console.log(
          `\nsearchNumbers p50 ${searchRow.p50Ms.toFixed(1)} ms: ${searchAgainstSlowest.ratio.toFixed(2)}x the slowest of its ${sellers.length} sellers asked directly (${slowest.providerId}, p50 ${slowest.p50Ms.toFixed(1)} ms per search call)`,
        );
      }
    }
    if (mismatchExamples.length > 0) console.log('mismatches, first few:', JSON.stringify(mismatchExamples.slice(0, 2), null, 2));
    if (errorExamples.length > 0) console.log('errors, first few:', JSON.stringify(errorExamples.slice(0, 3), null, 2));
    const file = writeResult('distributed', loadBefore, ['@graphql-hive/gateway-runtime', '@graphql-hive/router-runtime', '@apollo/gateway', '@apollo/server', 'graphql'], {
      settings: { seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS, label: LABEL ?? null, scale: SCALE, providersUrl: process.env.PROVIDERS_URL ?? `a scale-${SIMULATOR_SCALE} simulator this bench starts` },
      rows,
      searchAgainstSlowest,
      pairedCpuRatios: paired,
      measurements: results,
      mismatchExamples,
      errorExamples,
    }, LABEL);
    console.log(`written: ${file}`);
    const mismatched = rows.reduce((n, r) => n + r.mismatches, 0);
    if (mismatched > 0) process.exitCode = 1;
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
    await Promise.all(procs.reverse().map((proc) => proc.stop()));
    await removeEventsNamespace(NATS_URL, eventsNamespace).catch(() => undefined);
  }
}

/** The market the search row asks for. */
const SEARCH_INPUT = { country: 'GB', numberType: 'MOBILE' };

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await benchDistributed();
