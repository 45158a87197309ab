import { pino, type Logger } from 'pino';
import { ConfigError, readString } from './config.js';

export type { Logger };

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The process logger: structured JSON (pino); LOG_LEVEL picks the level, default info. */
export function createLogger(env: Record<string, string | undefined> = process.env): Logger {
  const level = readString(env, 'LOG_LEVEL') ?? (env.VITEST ? 'silent' : 'info');
  if (!LEVELS.includes(level)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LEVELS.join(', ')}, got "${level}"`);
  }
  return pino({ name: 'numbergraph', level });
}

/** The logger of a command or server process: a bad LOG_LEVEL ends it with one clear line. */
export function processLogger(): Logger {
  try {
    return createLogger();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
