/** `npm run bench:sync`: an incremental `npm run sync` after exactly BENCH_DRIFT (default 1%) of the providers' offers change at once: items, numbers changed, seconds, peak RSS. */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { startSimulator, type StartedSimulator } from '../providers/simulator/server.js';
import { createLogger } from '../platform/logger.js';
import { databaseUrl, load, machineLine, runTool, shown, writeResult, type ToolRun, benchServer } from './report.js';

const HELP = `Usage: BENCH_DATABASE_URL=postgres://…/any npm run bench:sync

Times \`npm run sync\` (scripts/sync.ts, its own process) into a fresh database on that Postgres
server: the first sync of a whole world; then, after exactly BENCH_DRIFT of the listed offers
changed at once (POST /admin/drift on the simulator), the incremental one; then once more with
nothing changed: the fixed cost of a sync. Prints feed items, numbers added and changed, seconds, peak RSS of the sync process and the load average;
writes bench/results/sync-<host>[-BENCH_LABEL].json.

  BENCH_DATABASE_URL  a Postgres server (else DATABASE_URL); a database numbergraph_bench_sync_*
                      is created on it and dropped at the end (BENCH_KEEP=1 keeps it)
  SIMULATOR_SCALE     the world of the simulator this bench starts in-process, on a free port,
                      with its clock stopped so that only the drift changes it (default 10)
  PROVIDERS_URL       instead, a running simulator of your own: it will be drifted (never point
                      this at a simulator others use); the first sync is then run here too
  BENCH_DRIFT         the share of listed offers changed between the two syncs (default 0.01)
`;

const server = benchServer('bench:sync', HELP);
const fraction = Number(process.env.BENCH_DRIFT ?? 0.01);
const scale = Number(process.env.SIMULATOR_SCALE ?? 10);

interface SyncFigures {
  seconds: number;
  peakRssMb: number;
  items: number;
  numbersAdded: number;
  numbersChanged: number;
  numbersWithdrawn: number;
  failed: string[];
  loadAverage: number[];
}

/** One `npm run sync` into `url`, with a progress line every 10 s from its logs. */
async function sync(url: string, providersUrl: string, label: string): Promise<SyncFigures> {
  let report: Record<string, unknown> | null = null;
  let lastShown = performance.now();
  let last = '';
  const run: ToolRun = await runTool('scripts/sync.ts', [], { DATABASE_URL: url, PROVIDERS_URL: providersUrl, LOG_LEVEL: 'info' }, (line) => {
    if (!line.startsWith('{')) return;
    const entry = JSON.parse(line) as Record<string, unknown>;
    if (entry.msg === 'sync: done') report = entry;
    last = `${String(entry.msg)}${entry.progress ? ` ${String(entry.progress)}` : ''}${entry.done ? ` ${String(entry.done)}/${String(entry.of)}` : ''}`;
    if (performance.now() - lastShown > 10_000) {
      lastShown = performance.now();
      console.log(`   ... ${label}: ${last} (load ${load()})`);
    }
  });
  if (run.code !== 0 || !report) throw new Error(`sync exited ${run.code}:\n${run.stderr.slice(-2000)}`);
  const r = report as { items: number; numbersAdded: number; numbersChanged: number; numbersWithdrawn: number; failed: string[] };
  return { seconds: run.seconds, peakRssMb: run.peakRssMb, items: r.items, numbersAdded: r.numbersAdded, numbersChanged: r.numbersChanged, numbersWithdrawn: r.numbersWithdrawn, failed: r.failed, loadAverage: os.loadavg() };
}

const loadBefore = os.loadavg();
const name = `numbergraph_bench_sync_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`create database ${name}`);
const url = databaseUrl(server, name);
let simulator: StartedSimulator | null = null;
try {
  let providersUrl = process.env.PROVIDERS_URL;
  if (!providersUrl) {
    console.log(`bench:sync: generating a world at scale ${scale} for a simulator in this process...`);
    // a stopped clock: no reservation expires and no aging ends between the syncs, only the drift changes offers
    const frozen = Date.now();
    simulator = await startSimulator({ port: 0, scale, instant: true, clock: () => frozen, logger: createLogger({ LOG_LEVEL: 'warn' }) });
    providersUrl = simulator.url;
    console.log(`bench:sync: ${simulator.world.providers.length} providers, ${simulator.world.numbers.length} numbers, ${simulator.world.offers.length} offers`);
  }
  console.log(`bench:sync: first sync into ${shown(url)} (load ${load()})...`);
  const first = await sync(url, providersUrl, 'first sync');
  console.log(`   first sync: ${first.items} items, ${first.numbersAdded} numbers added, ${first.seconds.toFixed(1)} s, peak RSS ${first.peakRssMb.toFixed(0)} MB (load ${first.loadAverage[0]!.toFixed(2)})`);
  const response = await fetch(`${providersUrl}/admin/drift`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fraction }) });
  if (!response.ok) throw new Error(`POST /admin/drift answered ${response.status}: ${await response.text()}`);
  const drift = (await response.json()) as { offersChanged: number; numbersChanged: number };
  console.log(`bench:sync: drift: ${drift.offersChanged} offers of ${drift.numbersChanged} numbers changed (${(fraction * 100).toFixed(2)}% of the listed offers); incremental sync...`);
  const incremental = await sync(url, providersUrl, 'incremental sync');
  // the fixed cost of a sync (process start, migrations check, a page of every feed): nothing changed since
  console.log(`bench:sync: once more with nothing changed (the fixed cost)...`);
  const unchanged = await sync(url, providersUrl, 'unchanged sync');

  console.log(`\nnpm run sync, ${simulator ? `scale ${scale} (simulator in the bench process, clock stopped)` : `the simulator at ${providersUrl}`}; Postgres ${shown(server)}`);
  console.log(machineLine(loadBefore));
  console.log('| sync | feed items | numbers added | numbers changed | seconds | items/s | peak RSS MB | load |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [label, s] of [['first', first], [`after ${(fraction * 100).toFixed(2)}% of offers changed`, incremental], ['nothing changed since', unchanged]] as const) {
    console.log(`| ${label} | ${s.items} | ${s.numbersAdded} | ${s.numbersChanged} | ${s.seconds.toFixed(1)} | ${(s.items / s.seconds).toFixed(0)} | ${s.peakRssMb.toFixed(0)} | ${s.loadAverage[0]!.toFixed(2)} |`);
  }
  const file = writeResult('sync', loadBefore, ['pg', 'kysely', 'undici'], {
    settings: { drift: fraction, scale: simulator ? scale : null, providersUrl: simulator ? 'a simulator in the bench process' : providersUrl, world: simulator ? { providers: simulator.world.providers.length, numbers: simulator.world.numbers.length, offers: simulator.world.offers.length } : null },
    drift,
    first,
    incremental,
    unchanged,
  });
  console.log(`written: ${file}`);
} finally {
  await simulator?.close();
  if (process.env.BENCH_KEEP) console.log(`kept: ${shown(url)}`);
  else await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
