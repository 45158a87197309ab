/**
 * The embedded database's own thread: PGlite runs here, off the server's event loop, and serves
 * the Postgres wire protocol on a Unix socket (`@electric-sql/pglite-socket`), which the server
 * and the command-line tools reach with `pg` like any Postgres. Plain JavaScript on purpose: a
 * worker thread gets no TypeScript loader under every runner (vitest, tsx, node).
 *
 * workerData: { dataDir: string | null, socketPath: string }.
 * Messages in: { type: 'close' }.
 * Messages out: { type: 'ready' }, { type: 'failed', message }, { type: 'closed' }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { SafeQueryQueue } from './pglite-queue.mjs';

const OID = { int8: 20, date: 1082 };

async function main() {
  const db = await PGlite.create({
    ...(workerData.dataDir ? { dataDir: workerData.dataDir } : {}),
    parsers: { [OID.date]: (value) => value, [OID.int8]: (value) => Number(value) },
  });
  const server = new PGLiteSocketServer({ db, path: workerData.socketPath, maxConnections: 64 });
  // pglite-socket's own queue takes one wire message at a time: as its code reads, another
  // connection's message may run between one connection's Parse and its Bind on PGlite's single
  // backend (not seen in pglite.test.ts, which passes with either queue). Ours runs a connection's
  // messages up to its Sync together, and keeps a transaction's connection alone until it ends.
  Reflect.set(server, 'queryQueue', new SafeQueryQueue(db));
  await server.start();
  parentPort.postMessage({ type: 'ready' });
  parentPort.on('message', async (message) => {
    if (message.type === 'close') {
      await server.stop();
      await db.close();
      parentPort.postMessage({ type: 'closed' });
      parentPort.close();
    }
  });
}

main().catch((error) => {
  parentPort.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
});
