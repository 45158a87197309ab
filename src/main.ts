/**
 * `npm start`: the embedded default. One process, four subgraphs in-process behind the gateway,
 * PGlite on disk under .data/ (or DATABASE_URL) on a thread of its own, the numbering plan
 * imported on first start.
 */
import { processLogger } from '../platform/logger.js';
import { readSettings } from '../platform/settings-schema.js';
import { closeUnusedPrestarts, prestartPglite } from '../platform/pglite.js';
import { assertPortAvailable } from '../platform/port.js';
import { processOutput, serverCommandLine } from './command-line.js';
import { pgliteDirFromEnv } from './pglite-dir.js';
import { runProcess } from './process.js';
import { buildWorldAside } from './world-thread.js';

// `npm start -- --help` prints every variable and exits; an unknown argument exits 1 naming it
const exit = serverCommandLine(process.argv.slice(2), 'start', processOutput);
if (exit !== null) process.exitCode = exit;
else start();

/** The product, up: the logger, then the start under the process owner (signals, drain, exit codes). */
function start(): void {
  const logger = processLogger();

  runProcess(logger, async () => {
    const { PORT: port, HOST: host, DATABASE_URL, PROVIDERS_URL } = readSettings(process.env, ['PORT', 'HOST', 'DATABASE_URL', 'PROVIDERS_URL']);
    // a taken port is said at once, not after the plan's import
    await assertPortAvailable(port, host);
    const pgliteDir = pgliteDirFromEnv(process.env);
    if (!DATABASE_URL) {
      // PGlite starts on its own thread while this one loads the gateway: both take seconds
      prestartPglite(pgliteDir);
      logger.info({ database: pgliteDir }, 'starting: opening the embedded database and loading the gateway');
    } else {
      logger.info('starting: loading the gateway');
    }
    // the simulator's world (unless PROVIDERS_URL names real providers) is built aside meanwhile
    const world = PROVIDERS_URL ? null : buildWorldAside(process.env);
    const { startEmbedded } = await import('./embedded.js');
    const built = await world;
    const embedded = await startEmbedded({
      env: process.env,
      logger,
      pgliteDir,
      importPlan: 'embedded',
      syncInBackground: true,
      ...(built ? { providers: { simulator: { world: built } } } : {}),
    });
    await closeUnusedPrestarts();
    let url: string;
    try {
      url = await embedded.gateway.listen(port, host);
    } catch (error) {
      // taken meanwhile: the databases close before the process reports and exits
      await embedded.close();
      throw error;
    }
    logger.info({ url }, `numbergraph gateway ready at ${url} (the explorer in a browser; Apollo Sandbox at ${url}sandbox)`);
    return embedded.close;
  });
}
