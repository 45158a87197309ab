import { ConfigError } from '../subgraphs/shared/config.js';
import { PortUnavailableError } from '../subgraphs/shared/port.js';
import type { Logger } from '../subgraphs/shared/logger.js';

/**
 * Runs a server process: `start` brings it up and returns how to stop it; SIGTERM and SIGINT
 * drain and stop it once (a second SIGINT stops at once); a start-up failure is logged (a bad setting by its variable's name).
 */
export function runProcess(logger: Logger, start: () => Promise<() => Promise<void>>): void {
  start()
    .then((stop) => {
      let stopping = false;
      const onSignal = async (signal: string) => {
        if (stopping) {
          // A second Ctrl-C while draining: the operator wants out now. A repeated SIGTERM is
          // not that: process managers and wrappers (npm, tsx) resend it when the first seems
          // unanswered, and it must not cut off the requests being drained.
          if (signal !== 'SIGINT') return;
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
