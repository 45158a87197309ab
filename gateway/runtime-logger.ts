/**
 * The Hive runtime's logger, written over our pino logger: one log stream, one format, one level.
 *
 * Why not `new Logger({ writers })` from @graphql-hive/logger: its constructor (run again for every
 * child, i.e. every request) reads process.env.LOG_LEVEL itself and throws on pino's `fatal` and
 * `silent`, whatever level it is given. This logger has the library's interface and never reads
 * the environment: the level is the pino logger's, read through the configuration schema.
 */
import { format } from 'node:util';
import type { Attributes, Logger as HiveLogger, LogLevel, MaybeLazy } from '@graphql-hive/logger';
import { isClientCode } from '../contracts/errors.js';
import type { Logger } from '../platform/logger.js';

const ORDER: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

/** The library's interface, its children ours. */
export type RuntimeLoggerShape = Omit<HiveLogger, 'child'> & { child(prefixOrAttrs: string | Attributes, prefix?: string): RuntimeLoggerShape };

/** pino's level as the runtime's: `silent` logs nothing (false), `fatal` keeps the errors. */
function runtimeLevel(pinoLevel: string): LogLevel | false {
  if (pinoLevel === 'silent') return false;
  return (ORDER as readonly string[]).includes(pinoLevel) ? (pinoLevel as LogLevel) : 'error';
}

/** Attributes as one object: a list (the legacy logger's arguments) goes under `attrs`. */
function asObject(attrs: Attributes | null | undefined): Record<string, unknown> {
  if (!attrs) return {};
  return Array.isArray(attrs) ? { attrs } : attrs;
}

export class RuntimeLogger implements RuntimeLoggerShape {
  #level: MaybeLazy<LogLevel | false> | null = null;
  #attrs: Attributes | undefined | null = null;

  /**
   * `own` are this child's attributes alone: the runtime makes a child for every subgraph call
   * (`{ subgraph }`), nearly always to log nothing, so its parent's are merged in only when read.
   */
  constructor(
    private readonly pino: Logger,
    private readonly options: { prefix?: string; own?: Attributes; parent?: RuntimeLogger } = {},
  ) {}

  get prefix(): string | undefined {
    return this.options.prefix;
  }

  get attrs(): Attributes | undefined {
    if (this.#attrs === null) {
      const inherited = this.options.parent?.attrs;
      const own = this.options.own;
      this.#attrs = own ? { ...asObject(inherited), ...asObject(own) } : inherited;
    }
    return this.#attrs;
  }

  /** Its own level once set, else its parent's, else the pino logger's. */
  get level(): LogLevel | false {
    if (this.#level !== null) return typeof this.#level === 'function' ? this.#level() : this.#level;
    return this.options.parent?.level ?? runtimeLevel(this.pino.level);
  }

  setLevel(level: MaybeLazy<LogLevel | false>): void {
    this.#level = level;
  }

  write(level: LogLevel, attrs: Attributes | null | undefined, msg: string | null | undefined): void {
    // the runtime logs every error it returns; a client's mistake is not our error
    const extensions = (attrs as { extensions?: { code?: unknown; http?: { status?: number } } } | null | undefined)?.extensions;
    const status = extensions?.http?.status ?? 500;
    const as = level === 'error' && (isClientCode(extensions?.code) || (status >= 400 && status < 500)) ? 'debug' : level;
    this.pino[as]({ ...asObject(attrs), component: 'gateway-runtime' }, msg ?? '');
  }

  flush(): undefined {
    return undefined;
  }

  async [Symbol.asyncDispose](): Promise<undefined> {
    return undefined;
  }

  child(prefixOrAttrs: string | Attributes, prefix?: string): RuntimeLogger {
    const own = typeof prefixOrAttrs === 'string' ? { prefix: prefixOrAttrs } : { own: prefixOrAttrs, prefix: prefix ?? '' };
    const joined = this.prefix ? `${this.prefix}${own.prefix}` : own.prefix;
    return new RuntimeLogger(this.pino, { prefix: joined || undefined, ...(own.own ? { own: own.own } : {}), parent: this });
  }

  log(level: LogLevel, first?: MaybeLazy<Attributes> | string, ...rest: unknown[]): void {
    const current = this.level;
    if (current === false || ORDER.indexOf(level) < ORDER.indexOf(current)) return;
    let msg: string | undefined;
    let lazy: MaybeLazy<Attributes> | undefined;
    if (typeof first === 'string') msg = first;
    else if (first) {
      lazy = first;
      if (typeof rest[0] === 'string') msg = rest.shift() as string;
    }
    if (this.prefix) msg = `${this.prefix}${msg ?? ''}`.trim();
    const attrs = { ...asObject(this.attrs), ...asObject(typeof lazy === 'function' ? lazy() : lazy) };
    this.write(level, attrs, msg && rest.length > 0 ? format(msg, ...rest) : msg);
  }

  trace(first?: MaybeLazy<Attributes> | string, ...rest: unknown[]): void {
    this.log('trace', first, ...rest);
  }

  debug(first?: MaybeLazy<Attributes> | string, ...rest: unknown[]): void {
    this.log('debug', first, ...rest);
  }

  info(first?: MaybeLazy<Attributes> | string, ...rest: unknown[]): void {
    this.log('info', first, ...rest);
  }

  warn(first?: MaybeLazy<Attributes> | string, ...rest: unknown[]): void {
    this.log('warn', first, ...rest);
  }

  error(first?: MaybeLazy<Attributes> | string, ...rest: unknown[]): void {
    this.log('error', first, ...rest);
  }
}

/**
 * The runtime's logger over `logger`. The runtime's option is typed as the library's class
 * (nominal, by its private fields), hence the one conversion: the shape is checked above.
 */
export function runtimeLogger(logger: Logger): HiveLogger {
  return new RuntimeLogger(logger) as RuntimeLoggerShape as HiveLogger;
}
