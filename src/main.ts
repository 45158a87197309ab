/**
 * `npm start`: the embedded default. One process, four subgraphs in-process behind the gateway,
 * PGlite on disk under .data/ (or DATABASE_URL), the numbering plan imported on first start.
 */
import { readInt, readString } from '../subgraphs/shared/config.js';
import { processLogger } from '../subgraphs/shared/logger.js';
import { assertPortAvailable } from '../subgraphs/shared/port.js';
import { pgliteDirFromEnv, startEmbedded } from './embedded.js';
import { runProcess } from './process.js';

const logger = processLogger();

runProcess(logger, async () => {
  const port = readInt(process.env, 'PORT', 4000, { min: 0, max: 65_535 });
  const host = readString(process.env, 'HOST') ?? '0.0.0.0';
  // a taken port is said at once, not after the plan's import
  await assertPortAvailable(port, host);
  const embedded = await startEmbedded({ env: process.env, logger, pgliteDir: pgliteDirFromEnv(process.env), importPlan: 'embedded' });
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
