/**
 * `npm start`: the embedded default. One process, four subgraphs in-process behind the gateway,
 * PGlite on disk under .data/ (or DATABASE_URL), the numbering plan imported on first start.
 */
import { ConfigError, readInt } from '../subgraphs/shared/config.js';
import { createLogger } from '../subgraphs/shared/logger.js';
import { listen } from '../gateway/server.js';
import { pgliteDirFromEnv, startEmbedded } from './embedded.js';

const logger = createLogger();

async function main(): Promise<void> {
  const port = readInt(process.env, 'PORT', 4000, { min: 0, max: 65_535 });
  const pgliteDir = pgliteDirFromEnv(process.env);
  const embedded = await startEmbedded({ env: process.env, logger, pgliteDir, importPlan: !process.env.DATABASE_URL });
  const url = (await listen(embedded.server, port)).replace('//0.0.0.0:', '//localhost:');
  logger.info({ url, sandbox: url }, `numbergraph gateway ready at ${url} (Apollo Sandbox in a browser)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining and stopping');
    try {
      await embedded.close();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'stopping failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) logger.fatal(error.message);
  else logger.fatal({ err: error }, 'start-up failed');
  process.exit(1);
});
