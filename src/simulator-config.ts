/** The provider simulator's settings from the environment (the simulator itself takes plain options and reads no environment). */
import { readInt, readString } from '../subgraphs/shared/config.js';

/** SIMULATOR_PORT (default 4010, 0 for any), SIMULATOR_SCALE (1), SIMULATOR_SEED (1) and SIMULATOR_HOST (127.0.0.1). */
export function simulatorConfigFromEnv(env: Record<string, string | undefined>): { port: number; scale: number; seed: number; host: string } {
  return {
    port: readInt(env, 'SIMULATOR_PORT', 4010, { min: 0, max: 65535 }),
    scale: readInt(env, 'SIMULATOR_SCALE', 1, { min: 1, max: 1000 }),
    seed: readInt(env, 'SIMULATOR_SEED', 1, { min: 0, max: 2 ** 31 }),
    host: readString(env, 'SIMULATOR_HOST') ?? '127.0.0.1',
  };
}
