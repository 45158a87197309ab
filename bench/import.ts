/** `npm run bench:import`: `npm run import` of the whole numbering plan into a fresh Postgres database, timed: rows per second per source and in total, peak RSS. */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { databaseUrl, load, machineLine, runTool, shown, writeResult } from './report.js';

const HELP = `Usage: BENCH_DATABASE_URL=postgres://…/any npm run bench:import

Runs \`npm run import\` (scripts/import.ts, its own process) into a fresh database
numbergraph_bench_import_* on that Postgres server (dropped at the end; BENCH_KEEP=1 keeps it),
so every source of data/ is imported, none skipped as unchanged. Prints, per source, rows read,
blocks loaded, seconds and rows per second (from the importer's "source imported" log), then the
whole run: rows, wall seconds, rows per second, peak RSS of the import process and the load
average. Writes bench/results/import-<host>[-BENCH_LABEL].json.
`;

/** One source as the importer logs it when loaded. */
interface SourceRow {
  source: string;
  rows: number;
  blocks: number;
  seconds: number;
  rowsPerSecond: number;
}

/**
 * Imports the plan into a new database `name` on `server`, timed. The database stays (the
 * lookup bench builds on it); the caller drops it.
 */
export async function timedImport(server: string, name: string): Promise<{ sources: SourceRow[]; rows: number; seconds: number; rowsPerSecond: number; peakRssMb: number; loadAverage: number[] }> {
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const sources: SourceRow[] = [];
  const run = await runTool('scripts/import.ts', [], { DATABASE_URL: databaseUrl(server, name), LOG_LEVEL: 'info' }, (line) => {
    if (!line.startsWith('{')) return;
    const entry = JSON.parse(line) as { msg?: string; source?: string; rows?: number; blocks?: number; ms?: number };
    if (entry.msg !== 'source imported') return;
    const seconds = entry.ms! / 1000;
    sources.push({ source: entry.source!, rows: entry.rows!, blocks: entry.blocks!, seconds, rowsPerSecond: entry.rows! / seconds });
    console.log(`   ${entry.source}: ${entry.rows} rows in ${seconds.toFixed(1)} s (load ${load()})`);
  });
  if (run.code !== 0) throw new Error(`import exited ${run.code}:\n${run.stderr.slice(-2000)}`);
  const rows = sources.reduce((n, s) => n + s.rows, 0);
  return { sources, rows, seconds: run.seconds, rowsPerSecond: rows / run.seconds, peakRssMb: run.peakRssMb, loadAverage: os.loadavg() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && (process.argv.includes('--help') || process.argv.includes('-h'))) {
  process.stdout.write(HELP);
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const server = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!server) {
    process.stderr.write(`bench:import needs Postgres: set BENCH_DATABASE_URL or DATABASE_URL\n\n${HELP}`);
    process.exit(1);
  }
  const loadBefore = os.loadavg();
  const name = `numbergraph_bench_import_${randomBytes(4).toString('hex')}`;
  console.log(`bench:import: npm run import into ${shown(databaseUrl(server, name))} (load ${load()})...`);
  try {
    const result = await timedImport(server, name);
    console.log(`\nnpm run import, every source into an empty database on Postgres ${shown(server)}`);
    console.log(machineLine(loadBefore));
    console.log('| source | rows read | blocks loaded | seconds | rows/s |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const s of result.sources) console.log(`| ${s.source} | ${s.rows} | ${s.blocks} | ${s.seconds.toFixed(1)} | ${s.rowsPerSecond.toFixed(0)} |`);
    console.log(`| **total** (wall, with start-up and migrations) | ${result.rows} | ${result.sources.reduce((n, s) => n + s.blocks, 0)} | ${result.seconds.toFixed(1)} | ${result.rowsPerSecond.toFixed(0)} |`);
    console.log(`peak RSS of the import process: ${result.peakRssMb.toFixed(0)} MB; load average at the end ${result.loadAverage.map((l) => l.toFixed(2)).join(' ')}`);
    const file = writeResult('import', loadBefore, ['pg', 'kysely', 'csv-parse', 'libphonenumber-js'], { ...result });
    console.log(`written: ${file}`);
  } finally {
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    if (process.env.BENCH_KEEP) console.log(`kept: ${shown(databaseUrl(server, name))}`);
    else await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
