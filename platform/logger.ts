/** The process logger: pino JSON, or pretty lines on a terminal; LOG_LEVEL and LOG_FORMAT from the environment. */
import { pino, type Logger } from 'pino';
import { ConfigError } from './config.js';
import { readSettings, type Env, type LogLevelName } from './settings-schema.js';

export type { Logger };

/**
 * The process logger: structured JSON (pino) for log collectors, readable lines (pino-pretty)
 * when stdout is a terminal; LOG_FORMAT=json|pretty overrides. LOG_LEVEL picks the level,
 * default info (`defaultLevel`: a command's own, warn).
 */
export function createLogger(env: Env = process.env, defaultLevel?: LogLevelName): Logger {
  const settings = readSettings(env, ['LOG_LEVEL', 'LOG_FORMAT'], defaultLevel ? { LOG_LEVEL: defaultLevel } : {});
  const level = settings.LOG_LEVEL;
  const format = settings.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json');
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
