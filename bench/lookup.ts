/** `npm run bench:lookup`: `number(e164)` (number → block → carrier → authority, the allocations subgraph) with the numbering plan at 1x and at 10x blocks (synthetic copies, in bench databases only): time and SQL statements per lookup. */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { graphql } from 'graphql';
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import pg from 'pg';
import { DEVELOPMENT_ANALYST } from '../contracts/identity.js';
import { openDatabase, databaseTargetFromEnv } from '../platform/db.js';
import { createLogger } from '../platform/logger.js';
import { allocations } from '../subgraphs/allocations/index.js';
import { createSubgraph } from '../subgraphs/subgraph.js';
import { timedImport } from './import.js';
import { databaseUrl, load, machineLine, shown, writeResult, benchServer } from './report.js';

const HELP = `Usage: BENCH_DATABASE_URL=postgres://…/any npm run bench:lookup

number(e164) through the allocations subgraph (number → block → carrier → authority, run on its
schema in this process, no gateway) with the numbering plan at 1x and at 10x blocks; the
lookup must stay flat. Two bench databases on that Postgres server, dropped at the end
(BENCH_KEEP=1 keeps them), never the product's:

  <name>_1x            the imported plan (copied from BENCH_PLAN_DATABASE, a database on the
                       same server with the plan imported and nobody connected, else imported here)
  <name>_synthetic_10x the same, plus 9 SYNTHETIC copies of every block (sources
                       "synthetic-10x:<copy>:<source>", prefixes 999<copy><prefix>: 999 is a
                       calling code no country has, so no real number matches them; they only
                       make the tables and indexes 10x as big)

Looks up BENCH_LOOKUPS (default 500) random valid numbers inside real blocks, each once per
plan, in BENCH_ROUNDS (default 4) rounds alternating 1x and 10x; prints the median and p99 ms,
SQL statements per lookup (exact) and the 10x / 1x ratio, with the load average.
Writes bench/results/lookup-<host>[-BENCH_LABEL].json.
`;

const server = benchServer('bench:lookup', HELP);
const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const SYNTHETIC = 'synthetic-10x';
const QUERY = 'query ($e164: String!) { number(e164: $e164) { e164 country numberType block { prefix region status allocatedOn carrier { id name ocn } authority { id name country } } } }';

const logger = createLogger({ LOG_LEVEL: 'warn' });
const loadBefore = os.loadavg();
const base = `numbergraph_bench_lookup_${randomBytes(4).toString('hex')}`;
const oneX = `${base}_1x`;
const tenX = `${base}_synthetic_10x`;
const admin = new pg.Client({ connectionString: server });
await admin.connect();

/** Random digits after `prefix` until libphonenumber calls the number valid (null when no length does). */
function numberIn(prefix: string): string | null {
  for (let attempt = 0; attempt < 4; attempt++) {
    for (let length = Math.max(prefix.length + 1, 8); length <= 15; length++) {
      let digits = prefix;
      while (digits.length < length) digits += String(Math.floor(Math.random() * 10));
      if (isValidPhoneNumber(`+${digits}`)) return `+${digits}`;
    }
  }
  return null;
}

async function lookups(url: string, numbers: string[]): Promise<{ ms: number[]; statements: number[]; unanswered: number }> {
  const database = await openDatabase(databaseTargetFromEnv({ DATABASE_URL: url }, 'allocations', null), logger);
  try {
    const subgraph = createSubgraph(allocations, database, logger);
    const ms: number[] = [];
    const statements: number[] = [];
    let unanswered = 0;
    for (const e164 of numbers) {
      const before = subgraph.statements.count;
      const started = performance.now();
      const result = await graphql({ schema: subgraph.schema, source: QUERY, variableValues: { e164 }, contextValue: subgraph.createContext({ identity: DEVELOPMENT_ANALYST, requestId: 'bench' }) });
      ms.push(performance.now() - started);
      statements.push(subgraph.statements.count - before);
      if (result.errors) throw new Error(`number(${e164}) answered errors: ${JSON.stringify(result.errors).slice(0, 300)}`);
      if (!(result.data as { number: { block: unknown } | null }).number?.block) unanswered += 1;
    }
    return { ms, statements, unanswered };
  } finally {
    await database.close();
  }
}

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;

try {
  let importFigures: Awaited<ReturnType<typeof timedImport>> | null = null;
  if (process.env.BENCH_PLAN_DATABASE) {
    console.log(`bench:lookup: copying the plan of ${process.env.BENCH_PLAN_DATABASE} into ${oneX}...`);
    await admin.query(`create database ${oneX} template ${pg.escapeIdentifier(process.env.BENCH_PLAN_DATABASE)}`);
  } else {
    console.log(`bench:lookup: importing the plan into ${oneX} (about a minute; BENCH_PLAN_DATABASE skips it)...`);
    importFigures = await timedImport(server, oneX);
  }
  const one = new pg.Client({ connectionString: databaseUrl(server, oneX) });
  await one.connect();
  const { rows: [real] } = await one.query<{ blocks: string }>(`select count(*) as blocks from allocations.blocks`);
  // random blocks of the real plan, a number inside each
  const { rows: sample } = await one.query<{ prefix: string }>(`select prefix from allocations.blocks tablesample system (5) order by random() limit $1`, [LOOKUPS * 3]);
  await one.end();
  const numbers = [...new Set(sample.map((b) => numberIn(b.prefix)).filter((n): n is string => n !== null))].slice(0, LOOKUPS);
  console.log(`bench:lookup: ${real!.blocks} real blocks; ${numbers.length} random valid numbers inside them`);

  console.log(`bench:lookup: ${tenX}: the 1x plan plus 9 synthetic copies of every block (load ${load()})...`);
  let started = performance.now();
  await admin.query(`create database ${tenX} template ${oneX}`);
  const ten = new pg.Client({ connectionString: databaseUrl(server, tenX) });
  // a failure below drops the database, ending this connection: not a second, unhandled error
  ten.on('error', () => undefined);
  await ten.connect();
  // one synthetic source per copy and real source: a prefix is unique within a source, not across them
  for (let copy = 1; copy <= 9; copy++) {
    const tag = `'${SYNTHETIC}:${copy}:'`;
    await ten.query(
      `insert into allocations.sources (id, title, files, sha256, rows_read, blocks_loaded, rows_skipped, kind)
       select ${tag} || id, 'SYNTHETIC: copy ${copy} of ' || id || ' under the unassigned calling code 999, made by bench/lookup.ts to size the plan 10x; no numbering plan', '', '', 0, blocks_loaded, 0, 'synthetic'
       from allocations.sources where id not like '${SYNTHETIC}:%'`,
    );
    await ten.query(
      `insert into allocations.blocks (id, source_id, prefix, precedence, country, authority_id, carrier_id, status, allocated_on, region, number_length, line)
       select ${tag} || id, ${tag} || source_id, '999${copy}' || prefix, precedence, country, authority_id, carrier_id, status, allocated_on, region, number_length, line
       from allocations.blocks where source_id not like '${SYNTHETIC}:%'`,
    );
    console.log(`   ... synthetic copy ${copy}/9 (${((performance.now() - started) / 1000).toFixed(0)} s, load ${load()})`);
  }
  await ten.query('analyze allocations.blocks');
  const { rows: [tenBlocks] } = await ten.query<{ blocks: string }>(`select count(*) as blocks from allocations.blocks`);
  await ten.end();
  const buildSeconds = (performance.now() - started) / 1000;
  console.log(`bench:lookup: ${tenBlocks!.blocks} blocks at 10x, built in ${buildSeconds.toFixed(0)} s`);

  // warm both (connections, plans, caches of Postgres), then rounds alternating which goes first
  await lookups(databaseUrl(server, oneX), numbers.slice(0, 50));
  await lookups(databaseUrl(server, tenX), numbers.slice(0, 50));
  const results = { '1x': { ms: [] as number[], statements: [] as number[], unanswered: 0, load: [] as number[] }, '10x': { ms: [] as number[], statements: [] as number[], unanswered: 0, load: [] as number[] } };
  started = performance.now();
  for (let round = 0; round < ROUNDS; round++) {
    for (const size of round % 2 === 0 ? (['1x', '10x'] as const) : (['10x', '1x'] as const)) {
      const r = await lookups(databaseUrl(server, size === '1x' ? oneX : tenX), numbers);
      results[size].ms.push(...r.ms);
      results[size].statements.push(...r.statements);
      results[size].unanswered = r.unanswered;
      results[size].load.push(os.loadavg()[0]!);
      console.log(`   ... round ${round + 1}/${ROUNDS} ${size}: median ${quantile(r.ms, 0.5).toFixed(2)} ms (load ${load()})`);
    }
  }
  const rows = (['1x', '10x'] as const).map((size) => {
    const r = results[size];
    return {
      plan: size,
      blocks: Number(size === '1x' ? real!.blocks : tenBlocks!.blocks),
      lookups: r.ms.length,
      medianMs: quantile(r.ms, 0.5),
      p99Ms: quantile(r.ms, 0.99),
      meanMs: r.ms.reduce((a, b) => a + b, 0) / r.ms.length,
      statementsPerLookup: r.statements.reduce((a, b) => a + b, 0) / r.statements.length,
      statementsMin: Math.min(...r.statements),
      statementsMax: Math.max(...r.statements),
      numbersWithoutBlock: r.unanswered,
      loadAverage: r.load,
    };
  });
  console.log(`\nnumber(e164) on the allocations subgraph (in process, Postgres ${shown(server)}), ${numbers.length} random real numbers x ${ROUNDS} rounds per plan`);
  console.log(machineLine(loadBefore));
  console.log('| plan | blocks | lookups | median ms | p99 ms | mean ms | SQL statements per lookup | load during |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(`| ${r.plan} | ${r.blocks} | ${r.lookups} | ${r.medianMs.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.meanMs.toFixed(2)} | ${r.statementsPerLookup.toFixed(2)} (${r.statementsMin} to ${r.statementsMax}) | ${Math.min(...r.loadAverage).toFixed(2)} to ${Math.max(...r.loadAverage).toFixed(2)} |`);
  }
  const ratio = rows[1]!.medianMs / rows[0]!.medianMs;
  console.log(`ratio 10x / 1x: median ${ratio.toFixed(2)}, statements ${(rows[1]!.statementsPerLookup / rows[0]!.statementsPerLookup).toFixed(2)} (flat is 1.00)`);
  const file = writeResult('lookup', loadBefore, ['pg', 'kysely', 'graphql', 'libphonenumber-js'], {
    settings: { lookups: numbers.length, rounds: ROUNDS, planDatabase: process.env.BENCH_PLAN_DATABASE ?? 'imported here' },
    synthetic: { sources: `${SYNTHETIC}:<copy>:<real source>`, copies: 9, prefixes: '999<copy><real prefix>', buildSeconds },
    query: QUERY,
    rows,
    ratio: { median: ratio, statements: rows[1]!.statementsPerLookup / rows[0]!.statementsPerLookup },
    import: importFigures,
  });
  console.log(`written: ${file}`);
} finally {
  if (process.env.BENCH_KEEP) console.log(`kept: ${oneX}, ${tenX}`);
  else for (const name of [tenX, oneX]) await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
