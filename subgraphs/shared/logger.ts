import { pino, type Logger } from 'pino';
import { ConfigError, readString } from './config.js';

export type { Logger };

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * The process logger: structured JSON (pino) for log collectors, readable lines (pino-pretty)
 * when stdout is a terminal; LOG_FORMAT=json|pretty overrides. LOG_LEVEL picks the level,
 * default info.
 */
export function createLogger(env: Record<string, string | undefined> = process.env): Logger {
  const level = readString(env, 'LOG_LEVEL') ?? 'info';
  if (!LEVELS.includes(level)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LEVELS.join(', ')}, got "${level}"`);
  }
  const format = readString(env, 'LOG_FORMAT') ?? (process.stdout.isTTY ? 'pretty' : 'json');
  if (format !== 'json' && format !== 'pretty') throw new ConfigError(`LOG_FORMAT must be json or pretty, got "${format}"`);
  return pino({
    name: 'numbergraph',
    level,
    ...(format === 'pretty' ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } } : {}),
  });
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
