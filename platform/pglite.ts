/** The embedded PGlite on a worker thread, served over a private Unix socket, prestarted, with a lock file against a second process. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * The embedded PGlite, hosted on a worker thread of this process (pglite-host.mjs) and reached
 * through a Unix socket in a private folder (0700) with `pg`: long statements run beside the
 * server's event loop instead of on it, and other processes (the keys and operations commands)
 * may use the same database while the server runs.
 */
export interface PgliteHost {
  /** The folder of the socket: `pg`'s `host` (the socket itself is `.s.PGSQL.5432` in it). */
  socketDir: string;
  close(): Promise<void>;
}

/** The port number in the socket's name, as libpq and `pg` spell a Unix socket. */
export const SOCKET_PORT = 5432;

const prestarted = new Map<string, Promise<PgliteHost>>();

/**
 * Starts hosting `dataDir` now, for the `hostPglite` call that comes later: `npm start` opens
 * the database (seconds of PGlite's own start, on its thread) while its main thread still loads
 * the gateway.
 */
export function prestartPglite(dataDir: string): void {
  if (prestarted.has(dataDir)) return;
  const host = startHost(dataDir);
  host.catch(() => undefined); // reported to whoever takes it
  prestarted.set(dataDir, host);
}

/** Closes a prestarted database nothing took (every subgraph was given a Postgres). */
export async function closeUnusedPrestarts(): Promise<void> {
  const unused = [...prestarted.values()];
  prestarted.clear();
  await Promise.allSettled(unused.map(async (host) => (await host).close()));
}

/** PGlite on a worker thread over `dataDir` (null: in memory). */
export async function hostPglite(dataDir: string | null): Promise<PgliteHost> {
  const early = dataDir ? prestarted.get(dataDir) : undefined;
  if (early) {
    prestarted.delete(dataDir!);
    return early;
  }
  return startHost(dataDir);
}

async function startHost(dataDir: string | null): Promise<PgliteHost> {
  const release = dataDir ? lockDataDir(dataDir) : null;
  const socketDir = mkdtempSync(join(tmpdir(), 'numbergraph-pg-'));
  const worker = new Worker(new URL('./pglite-host.mjs', import.meta.url), {
    workerData: { dataDir, socketPath: join(socketDir, `.s.PGSQL.${SOCKET_PORT}`) },
    // no TypeScript loader is needed there, and none should be inherited (vitest's is per thread)
    execArgv: [],
  });
  const cleanUp = () => {
    release?.();
    rmSync(socketDir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the embedded database stopped at start (exit ${code})`)));
      worker.on('message', (message: { type: string; message?: string }) => {
        if (message.type === 'ready') resolve();
        if (message.type === 'failed') reject(new Error(`the embedded database could not open${dataDir ? ` ${dataDir}` : ''}: ${message.message}`));
      });
    });
  } catch (error) {
    await worker.terminate();
    cleanUp();
    throw error;
  }
  worker.removeAllListeners('exit');
  worker.removeAllListeners('error');
  worker.removeAllListeners('message');
  let exited = false;
  worker.once('exit', () => (exited = true));
  // the lock says where the running database answers, for the commands run beside the server
  release?.advertise(socketDir);
  let closed: Promise<void> | null = null;
  return {
    socketDir,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        const done = () => {
          cleanUp();
          resolve();
        };
        if (exited) return done(); // it stopped on its own (it failed): nothing left to close
        worker.once('exit', done);
        worker.on('message', (message: { type: string }) => {
          if (message.type === 'closed') void worker.terminate();
        });
        worker.postMessage({ type: 'close' });
      })),
  };
}

interface Lock {
  (): void;
  advertise(socketDir: string): void;
}

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt
 * it. A lock file with the owner's pid (and, once it serves, its socket folder) refuses that
 * with a clear message; a stale lock (its process gone) is taken over.
 */
function lockDataDir(dataDir: string): Lock {
  mkdirSync(dataDir, { recursive: true });
  const lock = lockFile(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      const release = (() => rmSync(lock, { force: true })) as Lock;
      release.advertise = (socketDir) => writeFileSync(lock, `${process.pid}\n${socketDir}\n`);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = runningOwner(dataDir);
      if (owner && owner.pid !== process.pid) {
        throw new Error(`${dataDir} is in use by another numbergraph process (pid ${owner.pid}): stop it first, or set PGLITE_DIR to another folder`);
      }
      rmSync(lock, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir} (${lockFile(dataDir)})`);
}

const lockFile = (dataDir: string) => `${dataDir.replace(/\/+$/, '')}.lock`;

/** The live process holding `dataDir`, with the socket folder it serves the database on (once it does). */
export function runningOwner(dataDir: string): { pid: number; socketDir: string | null } | null {
  let text: string;
  try {
    text = readFileSync(lockFile(dataDir), 'utf8');
  } catch {
    return null;
  }
  const [pidLine = '', socketDir = ''] = text.split('\n');
  const pid = Number(pidLine.trim());
  if (!pid || !isAlive(pid)) return null;
  return { pid, socketDir: socketDir.trim() || null };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
