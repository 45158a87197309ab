/** A process run by runProcess whose stop takes a while (src/process.test.ts signals its process group). */
import { createLogger } from '../../platform/logger.js';
import { runProcess } from '../../src/process.js';

const logger = createLogger({ LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
runProcess(logger, async () => {
  logger.info('started');
  const alive = setInterval(() => undefined, 1_000);
  return async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    clearInterval(alive);
  };
});
