/** Builds the provider simulator's world on a worker thread from the plan's files, overlapping npm start's loading of the gateway. */
import { Worker } from 'node:worker_threads';
import type { World } from '../providers/generator/world.js';

/**
 * Builds the provider simulator's world on a thread of its own (world-worker.ts), from the
 * numbering plan's files: seconds of parsing that `npm start` overlaps with loading the gateway.
 * Resolves null when it cannot (a bad SIMULATOR_SCALE or SIMULATOR_SEED: the simulator's own
 * start then says what was wrong).
 */
export function buildWorldAside(env: Record<string, string | undefined>): Promise<World | null> {
  return new Promise((resolve) => {
    // the same TypeScript loader as this process (`node --import tsx`)
    const worker = new Worker(new URL('./world-worker.ts', import.meta.url), { workerData: { env } });
    worker.once('message', (world: World) => resolve(world));
    worker.once('error', () => resolve(null));
    worker.once('exit', () => resolve(null));
  });
}
