/** The provider simulator's world, built on a worker thread (see world-thread.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { generateWorld } from '../providers/generator/world.js';
import { simulatorConfigFromEnv } from './simulator-config.js';

const config = simulatorConfigFromEnv(workerData.env as Record<string, string | undefined>);
parentPort!.postMessage(generateWorld({ scale: config.scale, seed: config.seed }));
