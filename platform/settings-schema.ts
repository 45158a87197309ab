/**
 * The one configuration schema: every environment variable the product reads, with what it
 * means, its default, what it allows and which processes read it. Readers call `readSettings`
 * (typed values; a bad value throws a ConfigError naming the variable and what is allowed);
 * `npm start -- --help` prints it (`settingsHelp`).
 */
import { z } from 'zod';
import { ConfigError, redact } from './config.js';

/**
 * Deployments (or test runs) that share one NATS server keep apart by namespace: their own
 * streams, subjects and durable consumers, so one's routing never takes another's events.
 */
export const DEFAULT_EVENTS_NAMESPACE = 'numbergraph';
/** Lower-case letters, digits, '-' and '_': valid in a subject token and a stream name alike. */
export const EVENTS_NAMESPACE_PATTERN = /^[a-z][a-z0-9_-]{0,47}$/;

/** The environment as the processes get it (process.env, or a test's object). */
export type Env = Record<string, string | undefined>;

/** The programs that read configuration, as `--help` groups them. */
export const PROCESSES = {
  embedded: '`npm start` (the embedded default: gateway and subgraphs in one process)',
  gateway: '`npm run start:gateway` (the gateway alone, over subgraph services)',
  subgraph: '`npm run start:subgraph` (one subgraph as its own service)',
  simulator: '`npm run simulator` (the provider simulator alone)',
  scripts: 'the commands (`npm run sync`, `events`, `import`, `keys`, `operations`, `compose`)',
} as const;
export type ProcessName = keyof typeof PROCESSES;

/** How one variable's text becomes a value: a zod schema over the trimmed text, and what it allows, for --help. */
export interface Kind<T> {
  schema: z.ZodType<T, string>;
  allowed: string;
}

/** One variable. `default` is the value when unset (undefined: none); `Out` includes undefined when there is none. */
export interface Setting<Out> {
  kind: Kind<NonNullable<Out>>;
  default: Out;
  description: string;
  /** How --help shows the default when the value alone does not say it (e.g. "none: PGlite under .data/pglite"). */
  shownDefault?: string;
  /** Processes whose default differs, as --help shows it there (the reader passes that default to `readSettings`). */
  defaultIn?: Partial<Record<ProcessName, string>>;
  readBy: readonly ProcessName[];
}

/** A whole number within bounds (today's wording: "must be a whole number", "must be between"). */
export function wholeNumber(min: number, max: number): Kind<number> {
  return {
    allowed: `a whole number from ${min} to ${max}`,
    schema: z.string().transform((raw, ctx) => {
      if (!/^\d+$/.test(raw)) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number, got "${raw}"` });
        return z.NEVER;
      }
      const value = Number(raw);
      if (value < min || value > max) {
        ctx.addIssue({ code: 'custom', message: `must be between ${min} and ${max}, got ${value}` });
        return z.NEVER;
      }
      return value;
    }),
  };
}

/** One of a few words. */
export function oneOf<const V extends string>(values: readonly V[]): Kind<V> {
  const words = values.length === 2 ? `${values[0]} or ${values[1]}` : `one of ${values.join(', ')}`;
  return {
    allowed: values.join(' | '),
    schema: z.string().transform((raw, ctx) => {
      if ((values as readonly string[]).includes(raw)) return raw as V;
      ctx.addIssue({ code: 'custom', message: `must be ${words}, got "${raw}"` });
      return z.NEVER;
    }),
  };
}

/** A URL of one of the given schemes (`postgres:`); error messages never show its password. */
export function url(protocols: readonly string[]): Kind<string> {
  return {
    allowed: `a ${protocols.map((p) => p.replace(/:$/, '')).join(' or ')} URL`,
    schema: z.string().transform((raw, ctx) => {
      let parsed: URL;
      try {
        parsed = new URL(raw);
      } catch {
        ctx.addIssue({ code: 'custom', message: `is not a URL: "${redact(raw)}"` });
        return z.NEVER;
      }
      if (!protocols.includes(parsed.protocol)) {
        ctx.addIssue({ code: 'custom', message: `must use ${protocols.join(' or ')}, got "${parsed.protocol}"` });
        return z.NEVER;
      }
      return raw;
    }),
  };
}

/** Any text (a path, a host name, a secret checked by its reader). */
export function text(allowed = 'text'): Kind<string> {
  return { allowed, schema: z.string() };
}

/** Text that matches `shape`; `allowed` says what in the help and in a refusal. */
export function pattern(shape: RegExp, allowed: string): Kind<string> {
  return { allowed, schema: z.string().regex(shape, allowed) };
}

/** A comma-separated list, items trimmed, empty items dropped; `item` checks each one. */
export function list(allowed: string, item?: (entry: string) => string | null): Kind<string[]> {
  return {
    allowed,
    schema: z.string().transform((raw, ctx) => {
      const entries = raw.split(',').map((e) => e.trim()).filter(Boolean);
      for (const entry of entries) {
        const problem = item?.(entry);
        if (problem) {
          ctx.addIssue({ code: 'custom', message: problem });
          return z.NEVER;
        }
      }
      return entries;
    }),
  };
}

/** A variable with a default. */
export function setting<T extends {}>(kind: Kind<T>, fallback: T, spec: Omit<Setting<T>, 'kind' | 'default'>): Setting<T> {
  return { kind, default: fallback, ...spec };
}

/** A variable without a default: unset reads as undefined. */
export function optional<T extends {}>(kind: Kind<T>, spec: Omit<Setting<T>, 'kind' | 'default'> & { shownDefault: string }): Setting<T | undefined> {
  return { kind, default: undefined, ...spec };
}

const SERVERS = ['embedded', 'gateway', 'subgraph'] as const;
const EVERYONE = ['embedded', 'gateway', 'subgraph', 'simulator', 'scripts'] as const;
const GATEWAYS = ['embedded', 'gateway'] as const;
const PROVIDER_USERS = ['embedded', 'subgraph'] as const;
const POSTGRES = ['postgres:', 'postgresql:'];

/** The subgraphs (and the gateway's own tables, `edge`) that may each have a database of their own. */
const DATABASE_OWNERS = ['ALLOCATIONS', 'INVENTORY', 'COMPLIANCE', 'ROUTING', 'EDGE'] as const;
/** The subgraphs whose address the gateway may be told (`<NAME>_URL`). */
const SUBGRAPH_URLS = ['ALLOCATIONS', 'INVENTORY', 'COMPLIANCE', 'ROUTING'] as const;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

function corsOrigin(origin: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return `must list origins such as https://app.example.com, got "${origin}"`;
  }
  return parsed.origin === origin ? null : `must list bare origins (scheme://host[:port]), got "${origin}"`;
}

const databaseUrls = Object.fromEntries(
  DATABASE_OWNERS.map((owner) => [
    `${owner}_DATABASE_URL`,
    optional(url(POSTGRES), {
      description: owner === 'EDGE' ? "a database of the gateway's own (API keys, persisted operations)" : `a database of the ${owner.toLowerCase()} subgraph's own`,
      shownDefault: 'DATABASE_URL',
      readBy: owner === 'EDGE' ? ['embedded', 'gateway', 'scripts'] : ['embedded', 'subgraph', ...(owner === 'INVENTORY' ? (['scripts'] as const) : [])],
    }),
  ]),
) as Record<`${(typeof DATABASE_OWNERS)[number]}_DATABASE_URL`, Setting<string | undefined>>;

const subgraphUrls = Object.fromEntries(
  SUBGRAPH_URLS.map((name) => [
    `${name}_URL`,
    optional(url(['http:', 'https:']), {
      description: `where the gateway reaches the ${name.toLowerCase()} subgraph service, instead of the address schema/supergraph.graphql names`,
      shownDefault: "the supergraph's address",
      readBy: ['gateway'],
    }),
  ]),
) as Record<`${(typeof SUBGRAPH_URLS)[number]}_URL`, Setting<string | undefined>>;

/** Every variable the product reads. Defaults and bounds are the ones the code has always had. */
export const SETTINGS = {
  // processes and logs
  LOG_LEVEL: setting(oneOf(LOG_LEVELS), 'info', {
    description: 'how much the logs say (pino levels; silent: nothing)',
    defaultIn: { scripts: 'warn' },
    readBy: EVERYONE,
  }),
  LOG_FORMAT: optional(oneOf(['json', 'pretty'] as const), {
    description: 'readable lines (pino-pretty) or one JSON object a line',
    shownDefault: 'pretty on a terminal, else json',
    readBy: EVERYONE,
  }),
  NUMBERGRAPH_MODE: optional(oneOf(['production', 'development'] as const), {
    description: 'production: no key gets 401, no introspection but for analysts, no field suggestions; development: no key acts as the development analyst',
    shownDefault: 'development (production when NODE_ENV=production)',
    readBy: GATEWAYS,
  }),
  NODE_ENV: optional(text(), {
    description: 'production acts as NUMBERGRAPH_MODE=production; other values change nothing',
    shownDefault: 'none',
    readBy: GATEWAYS,
  }),
  PORT: setting(wholeNumber(0, 65_535), 4000, {
    description: 'the port to listen on (0: any free port); one already in use stops the start at once, with one line naming it (exit 1)',
    defaultIn: { subgraph: "the subgraph's own: allocations 4001, inventory 4002, compliance 4003, routing 4004" },
    readBy: SERVERS,
  }),
  HOST: setting(text('an address or host name'), '0.0.0.0', {
    description: 'the address to listen on',
    defaultIn: { subgraph: '127.0.0.1 (a subgraph answers the gateway, not the world)' },
    readBy: SERVERS,
  }),
  SUBGRAPH: optional(oneOf(['allocations', 'inventory', 'compliance', 'routing'] as const), {
    description: 'which subgraph this service serves',
    shownDefault: 'none: required',
    readBy: ['subgraph'],
  }),
  GATEWAY_SIGNING_SECRET: optional(text('at least 32 characters'), {
    description:
      "the HMAC secret, the same for the gateway and every subgraph service, the gateway signs each subgraph request's identity with (valid 15 s, single use); requests without its signature get 401",
    shownDefault: 'none (required by start:gateway and start:subgraph)',
    defaultIn: { gateway: 'none: required', subgraph: 'none: required' },
    readBy: SERVERS,
  }),
  DRAIN_TIMEOUT_MS: setting(wholeNumber(0, 3_600_000), 25_000, {
    description: 'on SIGTERM, how long requests in flight get to finish',
    readBy: GATEWAYS,
  }),

  // databases
  DATABASE_URL: optional(url(POSTGRES), {
    description: 'Postgres for every subgraph and the gateway\'s own tables; with it the plan is not imported at start (run `npm run import` once)',
    shownDefault: 'none: PGlite under PGLITE_DIR',
    readBy: ['embedded', 'gateway', 'subgraph', 'scripts'],
  }),
  ...databaseUrls,
  PGLITE_DIR: optional(text('a folder'), {
    description: 'where the embedded database lives (<PGLITE_DIR>.lock names the process hosting it and its socket; services add -<subgraph>)',
    shownDefault: '.data/pglite',
    readBy: ['embedded', 'gateway', 'subgraph', 'scripts'],
  }),
  DB_POOL_MAX: setting(wholeNumber(1, 200), 10, { description: 'connections of each Postgres pool', readBy: ['embedded', 'gateway', 'subgraph', 'scripts'] }),
  DB_CONNECT_TIMEOUT_MS: setting(wholeNumber(100, 120_000), 5_000, { description: 'how long a Postgres connection may take to open', readBy: ['embedded', 'gateway', 'subgraph', 'scripts'] }),
  DB_STATEMENT_TIMEOUT_MS: setting(wholeNumber(100, 3_600_000), 15_000, { description: 'the longest a Postgres statement may run', readBy: ['embedded', 'gateway', 'subgraph', 'scripts'] }),

  // the gateway: HTTP, limits, shared state
  ...subgraphUrls,
  CORS_ORIGINS: setting(list('comma-separated origins (scheme://host[:port])', corsOrigin), [], {
    description: 'browser origins allowed by CORS, e.g. https://app.example.com',
    shownDefault: 'none: no cross-origin browser access',
    readBy: GATEWAYS,
  }),
  HTTP_HEADERS_TIMEOUT_MS: setting(wholeNumber(100, 300_000), 10_000, { description: "the HTTP server's time to receive a request's headers (at most HTTP_REQUEST_TIMEOUT_MS)", readBy: GATEWAYS }),
  HTTP_REQUEST_TIMEOUT_MS: setting(wholeNumber(100, 3_600_000), 30_000, { description: "the HTTP server's time to receive a whole request", readBy: GATEWAYS }),
  REQUEST_TIMEOUT_MS: setting(wholeNumber(10, 600_000), 30_000, {
    description: "the whole request's deadline at the gateway, however many subgraph fetches it makes (REQUEST_TIMEOUT)",
    readBy: GATEWAYS,
  }),
  SUBGRAPH_TIMEOUT_MS: setting(wholeNumber(10, 300_000), 10_000, { description: 'every subgraph fetch: past it, partial data and SUBGRAPH_TIMEOUT', readBy: GATEWAYS }),
  MAX_DEPTH: setting(wholeNumber(1, 100), 12, { description: 'selection nesting, root fields at depth 1 (DEPTH_LIMIT_EXCEEDED)', readBy: GATEWAYS }),
  MAX_ALIASES: setting(wholeNumber(0, 100_000), 30, { description: 'aliased fields in one operation, __typename included (ALIAS_LIMIT_EXCEEDED)', readBy: GATEWAYS }),
  MAX_TOKENS: setting(wholeNumber(10, 1_000_000), 4_000, {
    description: 'lexical tokens of the document, and fields of the operation once every fragment spread is written out (TOKEN_LIMIT_EXCEEDED)',
    readBy: GATEWAYS,
  }),
  MAX_ROOT_FIELDS: setting(wholeNumber(1, 100_000), 20, { description: "fields at the operation's root, aliases counted (ROOT_FIELD_LIMIT_EXCEEDED)", readBy: GATEWAYS }),
  MAX_COST: setting(wholeNumber(1, 100_000_000), 5_000, {
    description: 'estimated cost: each object-typed field 1, times the `first` of every list around it (COST_LIMIT_EXCEEDED)',
    readBy: GATEWAYS,
  }),
  ASSUMED_LIST_SIZE: setting(wholeNumber(1, 10_000), 20, { description: 'the size the cost assumes for a list without `first`', readBy: GATEWAYS }),
  // a 1.5 MB compliance document travels as about 2.1 MB of base64: under the limit, compliance names its own
  MAX_BODY_BYTES: setting(wholeNumber(1_024, 64 * 1024 * 1024), 4 * 1024 * 1024, { description: 'request body bytes (BODY_TOO_LARGE, HTTP 413)', readBy: GATEWAYS }),
  // 500 numbers with `live` (lookupNumbers, a page of numbers) fit; 17 searches do not
  MAX_UPSTREAM_CALLS: setting(wholeNumber(1, 10_000_000), 1_000, {
    description: 'provider calls one operation may cause, by the @cost weights of the fields that call providers (COST_LIMIT_EXCEEDED)',
    readBy: GATEWAYS,
  }),
  UPSTREAM_CALLS_PER_MINUTE: setting(wholeNumber(1, 100_000_000), 10_000, {
    description: 'provider calls (estimated the same way) each key may cause per minute, per gateway process (RATE_LIMITED, 429)',
    readBy: GATEWAYS,
  }),
  RATE_LIMIT_REQUESTS: setting(wholeNumber(1, 10_000_000), 600, { description: 'requests per API key per window (RATE_LIMITED, HTTP 429 with Retry-After)', readBy: GATEWAYS }),
  RATE_LIMIT_WINDOW_SECONDS: setting(wholeNumber(1, 86_400), 60, { description: 'the rate-limit window', readBy: GATEWAYS }),
  AUTH_FAILURES_PER_ADDRESS: setting(wholeNumber(1, 10_000_000), 30, {
    description: 'requests with a missing (production), unknown, revoked or malformed key one client address may make per window; past it 429 before any key is looked up',
    readBy: GATEWAYS,
  }),
  TRUSTED_PROXIES: setting(list('comma-separated IP addresses or CIDR ranges'), [], {
    description: 'the load balancers in front: only their x-forwarded-for names the client\'s address',
    shownDefault: 'none',
    readBy: GATEWAYS,
  }),
  REDIS_URL: optional(url(['redis:', 'rediss:']), {
    description: "what gateway processes share: the APQ cache and rate-limit counters; while it does not answer, each process uses its own memory (/ready says degraded)",
    shownDefault: "none: this process's memory",
    readBy: GATEWAYS,
  }),
  METRICS_PORT: optional(wholeNumber(0, 65_535), {
    description: 'a port of its own where Prometheus scrapes /metrics without a key (0: any free port)',
    shownDefault: 'none: /metrics only to an admin key on PORT',
    readBy: GATEWAYS,
  }),
  METRICS_HOST: setting(text('an address'), '127.0.0.1', { description: 'the address METRICS_PORT listens on', readBy: GATEWAYS }),

  // providers, the inventory's and compliance's background work, events
  PROVIDERS_URL: optional(url(['http:', 'https:']), {
    description: 'a provider simulator or directory (GET <url>/directory) to use instead of a simulator started in the process',
    shownDefault: 'none: a simulator on loopback',
    defaultIn: { scripts: 'http://127.0.0.1:4010 (npm run sync)', subgraph: 'none: the inventory service starts a simulator; the others reach no provider' },
    readBy: [...PROVIDER_USERS, 'scripts'],
  }),
  SYNC_INTERVAL_SECONDS: setting(wholeNumber(0, 86_400), 60, {
    description: "how often the catalogue is synced from the providers' feeds, and compliance reads their documents feeds (0: only at start)",
    readBy: PROVIDER_USERS,
  }),
  ORDER_WAIT_MS: setting(wholeNumber(0, 60_000), 5_000, {
    description: 'how long orderNumbers waits for providers before answering PENDING (the worker finishes the lines)',
    readBy: PROVIDER_USERS,
  }),
  ORDER_RETRY_MAX_SECONDS: setting(wholeNumber(1, 3_600), 30, { description: 'the longest backoff between two retries of an order line', readBy: PROVIDER_USERS }),
  REGISTRATION_POLL_SECONDS: setting(wholeNumber(0, 86_400), 30, {
    description: 'how often compliance asks providers about submitted end-user registrations (0: never)',
    readBy: PROVIDER_USERS,
  }),
  NATS_URL: optional(url(['nats:', 'tls:']), {
    description: "NATS with JetStream where the inventory's outbox relay publishes and routing and compliance follow it",
    shownDefault: 'none: events go to subscribers in the process',
    defaultIn: { subgraph: 'none (required by the routing and compliance services)' },
    readBy: [...PROVIDER_USERS, 'scripts'],
  }),
  EVENTS_NAMESPACE: setting(pattern(EVENTS_NAMESPACE_PATTERN, "lower-case letters, digits, '-' or '_', starting with a letter, at most 48"), DEFAULT_EVENTS_NAMESPACE, {
    description: "keeps this deployment's events apart on a shared NATS server: its streams, subjects and durable consumers are named after it",
    readBy: [...PROVIDER_USERS, 'scripts'],
  }),
  SIMULATOR_PORT: setting(wholeNumber(0, 65_535), 4010, {
    description: 'the provider simulator\'s port (0: any free port)',
    defaultIn: { embedded: '0 (any free port)', subgraph: '0 (any free port)' },
    readBy: ['simulator', ...PROVIDER_USERS],
  }),
  SIMULATOR_HOST: setting(text('an address'), '127.0.0.1', { description: 'the address the provider simulator listens on', readBy: ['simulator', ...PROVIDER_USERS] }),
  SIMULATOR_SCALE: setting(wholeNumber(1, 1_000), 1, { description: "the simulated world's size (providers and numbers grow with it)", readBy: ['simulator', ...PROVIDER_USERS] }),
  SIMULATOR_SEED: setting(wholeNumber(0, 2 ** 31), 1, { description: 'the seed the simulated world is generated from (the same seed, the same world)', readBy: ['simulator', ...PROVIDER_USERS] }),
  ROUTING_ALLOW_HOSTS: setting(list('comma-separated host names, IP addresses and CIDR ranges, each with an optional :port'), [], {
    description:
      "hosts exempt from routing's address rules (and allowed plain http:) for webhooks, messaging endpoints and trunks: tests and private deployments; an entry with a port exempts that port only",
    shownDefault: 'none',
    readBy: PROVIDER_USERS,
  }),
  ROUTING_WEBHOOK_RETRY_BASE_MS: setting(wholeNumber(1, 3_600_000), 5_000, {
    description: "the first retry's delay of a failed webhook delivery (then doubling, with jitter, up to 1 h; given up 25 h after the event)",
    readBy: PROVIDER_USERS,
  }),
} satisfies Record<string, Setting<unknown>>;

export type Settings = typeof SETTINGS;
export type SettingName = keyof Settings;
/** A variable's value as read: its type, with undefined when it has no default. */
export type SettingValue<N extends SettingName> = Settings[N]['default'];

/**
 * Reads variables by the definitions given: unset or blank takes the default (or `defaults`,
 * the caller's own), anything else must parse, else a ConfigError names the variable, says what
 * was wrong and what is allowed. The product's readers go through `readSettings`; benchmarks
 * declare their own variables with the same kinds.
 */
export function parseVariables<D extends Record<string, Setting<unknown>>, N extends keyof D & string>(
  env: Env,
  definitions: D,
  names: readonly N[],
  defaults: { [K in N]?: D[K]['default'] } = {},
): { [K in N]: D[K]['default'] } {
  const values: Partial<Record<N, unknown>> = {};
  for (const name of names) {
    const definition: Setting<unknown> | undefined = definitions[name];
    if (!definition) throw new ConfigError(`${name} is not a known variable`);
    const raw = env[name]?.trim();
    if (!raw) {
      values[name] = name in defaults ? defaults[name] : definition.default;
      continue;
    }
    const parsed = definition.kind.schema.safeParse(raw);
    if (!parsed.success) {
      const problem = parsed.error.issues[0]?.message ?? 'is not valid';
      // the message names the variable; "what is allowed" unless the problem already says it
      throw new ConfigError(/must be|must use|must list|must not/.test(problem) ? `${name} ${problem}` : `${name} ${problem} (allowed: ${definition.kind.allowed})`);
    }
    values[name] = parsed.data;
  }
  return values as { [K in N]: D[K]['default'] };
}

/** The product's variables `names`, typed; `defaults` replaces a default where the process has its own (a subgraph's PORT). */
export function readSettings<const N extends SettingName>(env: Env, names: readonly N[], defaults: { [K in N]?: SettingValue<K> } = {}): { [K in N]: SettingValue<K> } {
  return parseVariables(env, SETTINGS, names, defaults);
}

/** `<NAME>_DATABASE_URL` of a subgraph (or `edge`): the variable's name, typed. */
export function databaseUrlName(owner: string): keyof typeof databaseUrls | null {
  const name = `${owner.toUpperCase()}_DATABASE_URL`;
  return name in databaseUrls ? (name as keyof typeof databaseUrls) : null;
}

/** `<NAME>_URL` of a subgraph: the variable's name, typed. */
export function subgraphUrlName(subgraph: string): keyof typeof subgraphUrls | null {
  const name = `${subgraph.toUpperCase()}_URL`;
  return name in subgraphUrls ? (name as keyof typeof subgraphUrls) : null;
}

/** How --help shows a variable's default in a process. */
export function shownDefault(definition: Setting<unknown>, process: ProcessName): string {
  const own = definition.defaultIn?.[process];
  if (own) return own;
  if (definition.shownDefault) return definition.shownDefault;
  return Array.isArray(definition.default) ? 'none' : String(definition.default);
}

/** Every variable of the processes given, grouped by process: name, default, what it allows, what it means. */
export function settingsHelp(processes: readonly ProcessName[] = Object.keys(PROCESSES) as ProcessName[]): string {
  const sections = processes.map((process) => {
    const entries = Object.entries(SETTINGS as Record<string, Setting<unknown>>).filter(([, d]) => d.readBy.includes(process));
    const width = Math.max(...entries.map(([name]) => name.length));
    const lines = entries.map(([name, d]) => `  ${name.padEnd(width)}  default: ${shownDefault(d, process)}; ${d.kind.allowed}\n  ${' '.repeat(width)}  ${d.description}`);
    return `Read by ${PROCESSES[process]}:\n${lines.join('\n')}`;
  });
  return `Environment variables (a bad value stops the start with a message naming the variable):\n\n${sections.join('\n\n')}\n`;
}
