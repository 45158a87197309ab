/**
 * `npm run simulator`: runs the provider simulator alone on loopback, serving every generated
 * provider's API until interrupted. SIMULATOR_PORT (default 4010), SIMULATOR_SCALE (1),
 * SIMULATOR_SEED (1); make a provider slow, failing or down while it runs with
 *   curl -X PUT localhost:4010/admin/providers/<id>/behaviour -d '{"errorRate":0.5}'
 */
import { startSimulator } from '../providers/simulator/server.js';
import { simulatorConfigFromEnv } from '../src/simulator-config.js';
import { ConfigError } from '../platform/config.js';
import { processLogger } from '../platform/logger.js';
import { processOutput, serverCommandLine } from '../src/command-line.js';
import { runProcess } from '../src/process.js';

// `--help` prints the simulator's variables and exits; an unknown argument exits 1 naming it
const exit = serverCommandLine(process.argv.slice(2), 'simulator', processOutput);
if (exit !== null) process.exitCode = exit;
else start();

/** The simulator, up under the process owner (signals, drain, exit codes). */
function start(): void {
  const logger = processLogger();
  let config;
  try {
    config = simulatorConfigFromEnv(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  // the process owner's signal handling: drain once, ignore the copy of a signal npm and tsx relay
  runProcess(logger, async () => {
    const simulator = await startSimulator({ ...config, logger });
    console.log(`provider simulator at ${simulator.url} (${simulator.world.providers.length} providers): GET ${simulator.url}/directory`);
    return () => simulator.close();
  });
}
