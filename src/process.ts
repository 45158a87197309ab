/** Runs a server process: drains and stops once on SIGTERM/SIGINT, logs start-up failures, and stops when its parent goes away. */
import { ConfigError } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { PortUnavailableError } from '../platform/port.js';

/** A signal repeated within this long is a relayed copy of the first, not the operator asking again. */
const SAME_SIGNAL_MS = 1_000;
/** How often the process checks that whoever started it (npm, a shell) is still there. */
const PARENT_CHECK_MS = 1_000;

/**
 * Runs a server process: `start` brings it up and returns how to stop it; SIGTERM and SIGINT
 * drain and stop it once, also when they come while it starts (it stops as soon as it is up);
 * a start-up failure is logged (a bad setting by its variable's name). When the process that
 * started it goes away (npm killed, a terminal closed), it stops as if signalled: never an orphan
 * holding the port and the database.
 */
export function runProcess(logger: Logger, start: () => Promise<() => Promise<void>>): void {
  let stop: (() => Promise<void>) | null = null;
  let stoppingSince: number | null = null;
  const parent = process.ppid;

  const stopNow = async () => {
    try {
      await stop!();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'stopping failed');
      process.exit(1);
    }
  };
  const onSignal = (signal: string) => {
    if (stoppingSince !== null) {
      // A signal sent to the whole process group (a process manager, Ctrl-C in a terminal)
      // reaches this process twice: directly and relayed by npm or tsx, within milliseconds.
      // That copy is not a second request; a signal sent again later is: the operator wants out now.
      if (Date.now() - stoppingSince < SAME_SIGNAL_MS) return;
      logger.warn({ signal }, 'stopping at once');
      process.exit(1);
    }
    stoppingSince = Date.now();
    if (stop === null) {
      logger.info({ signal }, 'stopping as soon as the start-up step under way ends (signal again to stop at once)');
      return;
    }
    logger.info({ signal }, 'draining and stopping');
    void stopNow();
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGHUP', () => onSignal('SIGHUP'));
  // npm runs a script through `sh -c`, which may die of a signal without passing it on
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    onSignal('parent process gone');
  }, PARENT_CHECK_MS);
  watch.unref();

  start()
    .then((stopper) => {
      stop = stopper;
      if (stoppingSince !== null) {
        logger.info('started while asked to stop: draining and stopping');
        void stopNow();
      }
    })
    .catch((error: unknown) => {
      if (error instanceof ConfigError || error instanceof PortUnavailableError) logger.fatal(error.message);
      else logger.fatal({ err: error }, 'start-up failed');
      process.exit(1);
    });
}
