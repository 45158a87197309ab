/** The provider simulator's settings from the environment (the simulator itself takes plain options and reads no environment). */
import { readSettings, type Env } from '../platform/settings-schema.js';

/**
 * SIMULATOR_PORT (default 4010, 0 for any; `defaultPort`: the caller's own), SIMULATOR_SCALE (1),
 * SIMULATOR_SEED (1) and SIMULATOR_HOST (127.0.0.1).
 */
export function simulatorConfigFromEnv(env: Env, defaultPort?: number): { port: number; scale: number; seed: number; host: string } {
  const s = readSettings(env, ['SIMULATOR_PORT', 'SIMULATOR_SCALE', 'SIMULATOR_SEED', 'SIMULATOR_HOST'], defaultPort === undefined ? {} : { SIMULATOR_PORT: defaultPort });
  return { port: s.SIMULATOR_PORT, scale: s.SIMULATOR_SCALE, seed: s.SIMULATOR_SEED, host: s.SIMULATOR_HOST };
}
