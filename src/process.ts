import { ConfigError } from '../subgraphs/shared/config.js';
import type { Logger } from '../subgraphs/shared/logger.js';
import { PortUnavailableError } from '../subgraphs/shared/port.js';

/**
 * Runs a server process: `start` brings it up and returns how to stop it; SIGTERM and SIGINT
 * drain and stop it once; a start-up failure is logged (a bad setting by its variable's name).
 */
export function runProcess(logger: Logger, start: () => Promise<() => Promise<void>>): void {
  start()
    .then((stop) => {
      let stopping = false;
      const onSignal = async (signal: string) => {
        if (stopping) {
          // a second signal while draining: the operator wants out now
          logger.warn({ signal }, 'stopping at once');
          process.exit(1);
        }
        stopping = true;
        logger.info({ signal }, 'draining and stopping');
        try {
          await stop();
          logger.info('stopped');
          process.exit(0);
        } catch (error) {
          logger.error({ err: error }, 'stopping failed');
          process.exit(1);
        }
      };
      process.on('SIGTERM', () => void onSignal('SIGTERM'));
      process.on('SIGINT', () => void onSignal('SIGINT'));
    })
    .catch((error: unknown) => {
      if (error instanceof ConfigError || error instanceof PortUnavailableError) logger.fatal(error.message);
      else logger.fatal({ err: error }, 'start-up failed');
      process.exit(1);
    });
}
