/** What every benchmark's JSON result carries (machine, versions, commit) and where it is written: bench/results/<kind>-<host>[-label].json. */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

/** The project's root (where package.json is). */
export const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The one-minute load average, two decimals: printed beside every figure (the machine is shared). */
export function load(): string {
  return os.loadavg()[0]!.toFixed(2);
}

/** The installed version of a package under node_modules ('unknown' when absent). */
export function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(`${ROOT}node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The machine as a result records it, with the load average at the start and now. */
export function machine(loadAverageBefore: number[]) {
  return {
    host: os.hostname(),
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memoryGiB: os.totalmem() / 2 ** 30,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageBefore,
    loadAverageAfter: os.loadavg(),
  };
}

/** The machine in one line, for the printed table. */
export function machineLine(loadAverageBefore: number[]): string {
  return `machine: ${os.cpus()[0]?.model ?? 'unknown'} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; load average before ${loadAverageBefore.map((l) => l.toFixed(2)).join(' ')}, after ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}

/** The commit measured, and whether the work tree differed from it. */
export function commit(): { commit: string; dirty: boolean } {
  return {
    commit: execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT }).toString().trim(),
    dirty: execFileSync('git', ['status', '--porcelain'], { cwd: ROOT }).toString().trim().length > 0,
  };
}

/** Node and the given packages' versions. */
export function versions(packages: string[]): Record<string, string> {
  return { node: process.version, ...Object.fromEntries(packages.map((name) => [name, packageVersion(name)])) };
}

/**
 * Writes `bench/results/<kind>-<host>[-<BENCH_LABEL>].json`: the date, commit, machine and
 * versions, then the benchmark's own fields. Returns the path written, relative to the root.
 */
export function writeResult(kind: string, loadAverageBefore: number[], packages: string[], body: Record<string, unknown>, label = process.env.BENCH_LABEL): string {
  const report = { shape: kind, date: new Date().toISOString(), ...commit(), machine: machine(loadAverageBefore), versions: versions(packages), label: label ?? null, ...body };
  mkdirSync(`${ROOT}bench/results`, { recursive: true });
  const suffix = (label ?? '').replace(/[^A-Za-z0-9.-]/g, '_');
  const file = `bench/results/${kind}-${os.hostname().replace(/[^A-Za-z0-9.-]/g, '_')}${suffix ? `-${suffix}` : ''}.json`;
  writeFileSync(`${ROOT}${file}`, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/** A database URL with its credentials hidden, for printing. */
export function shown(url: string): string {
  return url.replace(/\/\/[^@]*@/, '//…@');
}

/** The same Postgres server, another database. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface ToolRun {
  seconds: number;
  /** Peak resident set of the tool's node process (bench/peak-rss.ts reports it as it exits), MB. */
  peakRssMb: number;
  code: number;
  stdout: string;
  /** stderr with the peak RSS line taken out. */
  stderr: string;
}

/**
 * Runs one of the project's scripts (e.g. `scripts/sync.ts`) as its own node process, as its
 * npm command does, timed; its peak RSS comes from bench/peak-rss.ts preloaded in it. `onLine`
 * sees each stdout line as it comes (the tool's JSON logs: progress).
 */
export function runTool(script: string, args: string[], env: Record<string, string | undefined>, onLine?: (line: string) => void): Promise<ToolRun> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', './bench/peak-rss.ts', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    stdout += text;
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) onLine?.(line);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const match = /^peak-rss-kb (\d+)$/m.exec(stderr);
      resolve({ seconds, peakRssMb: match ? Number(match[1]) / 1024 : NaN, code: code ?? 1, stdout, stderr: stderr.replace(/^peak-rss-kb \d+\n?/m, '') });
    });
  });
}

/**
 * A bench entry point's start: `--help` prints `help` and exits 0; without a Postgres server
 * (BENCH_DATABASE_URL, else DATABASE_URL) it says so, with the help, and exits 1.
 */
export function benchServer(name: string, help: string): string {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(help);
    process.exit(0);
  }
  const server = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!server) {
    process.stderr.write(`${name} needs Postgres: set BENCH_DATABASE_URL or DATABASE_URL\n\n${help}`);
    process.exit(1);
  }
  return server;
}
