import { ConfigError } from '../subgraphs/shared/config.js';
import type { Logger } from '../subgraphs/shared/logger.js';
import { PortUnavailableError } from '../subgraphs/shared/port.js';

/** A signal repeated within this long is a relayed copy of the first, not the operator asking again. */
const SAME_SIGNAL_MS = 1_000;

/**
 * Runs a server process: `start` brings it up and returns how to stop it; SIGTERM and SIGINT
 * drain and stop it once; a start-up failure is logged (a bad setting by its variable's name).
 */
export function runProcess(logger: Logger, start: () => Promise<() => Promise<void>>): void {
  start()
    .then((stop) => {
      let stoppingSince: number | null = null;
      const onSignal = async (signal: string) => {
        if (stoppingSince !== null) {
          // A signal sent to the whole process group (a process manager, Ctrl-C in a terminal)
          // reaches this process twice: directly and relayed by npm or tsx, within milliseconds.
          // That copy is not a second request; a signal sent again later is: the operator wants out now.
          if (Date.now() - stoppingSince < SAME_SIGNAL_MS) return;
          logger.warn({ signal }, 'stopping at once');
          process.exit(1);
        }
        stoppingSince = Date.now();
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
