import { ConfigError, readInt, readString, readUrl } from '../subgraphs/shared/config.js';
import type { BlockList } from 'node:net';
import { readSigningSecret } from '../subgraphs/shared/signed-scope.js';
import { readTrustedProxies } from './client-address.js';

type Env = Record<string, string | undefined>;

/** What a request may ask for; checked before any subgraph is called. */
export interface RequestLimits {
  /** Nesting of selections (fragments followed), root fields at depth 1. */
  depth: number;
  /** Aliased fields in one operation, `__typename` included. */
  aliases: number;
  /** Lexical tokens of the document (the parser stops past it). */
  tokens: number;
  /** Fields selected at the operation's root, aliases counted. */
  rootFields: number;
  /** Estimated cost: every object-typed field 1 (or its `@cost` weight), times the size of every list around it (its `@listSize`). */
  cost: number;
  /** Assumed size of a list whose `@listSize` gives none, or that has no `@listSize`. */
  assumedListSize: number;
  /** Request body bytes. */
  bodyBytes: number;
  /** Provider calls one operation may cause, by the `@cost` weights of the fields that call providers. */
  upstreamCalls: number;
  /** Provider calls each key may cause per minute, estimated the same way. */
  upstreamCallsPerMinute: number;
}

/** How the gateway runs, read once at start from the environment (a bad value names its variable). */
export interface GatewaySettings {
  /** production: a key is required; development (default): no key acts as the development analyst. */
  mode: 'production' | 'development';
  limits: RequestLimits;
  /** Requests per key per rate window (development callers without a key share one budget). */
  rateLimit: { requests: number; windowSeconds: number };
  /** Every subgraph fetch ends after this long: partial data and a SUBGRAPH_TIMEOUT error. */
  subgraphTimeoutMs: number;
  /** The whole request's execution ends after this long (REQUEST_TIMEOUT_MS): a REQUEST_TIMEOUT error. */
  requestDeadlineMs: number;
  /** Node's HTTP server: time to receive the headers, and the whole request. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** In-flight requests get this long to finish on SIGTERM. */
  drainTimeoutMs: number;
  /** Browser origins allowed by CORS; empty: no cross-origin browser access. */
  corsOrigins: string[];
  /** The HMAC secret the gateway signs each subgraph request's identity with (HTTP subgraphs). */
  signingSecret: string | null;
  /** Shared state of gateway processes (APQ cache, rate-limit counters); memory when unset. */
  redisUrl: string | null;
  /** Failed authentications an address may make per rate window, and the proxies whose x-forwarded-for is believed. */
  addressLimit: { failures: number; trustedProxies: BlockList };
  /** Where Prometheus scrapes /metrics without a key (null: only an admin key, on the API port). */
  metrics: { port: number; host: string } | null;
}

export const DEFAULT_LIMITS: RequestLimits = {
  depth: 12,
  aliases: 30,
  tokens: 4_000,
  rootFields: 20,
  cost: 5_000,
  assumedListSize: 20,
  // a 1.5 MB compliance document travels as about 2.1 MB of base64: over the limit, compliance names its own limit
  bodyBytes: 4 * 1024 * 1024,
  // 500 numbers with `live` (lookupNumbers, a page of numbers) fit; 17 searches do not
  upstreamCalls: 1_000,
  upstreamCallsPerMinute: 10_000,
};

export function isProduction(env: Env): boolean {
  return env.NODE_ENV === 'production' || env.NUMBERGRAPH_MODE === 'production';
}

export function readGatewaySettings(env: Env, options: { subgraphsOverHttp: boolean }): GatewaySettings {
  const mode = readString(env, 'NUMBERGRAPH_MODE');
  if (mode && mode !== 'production' && mode !== 'development') {
    throw new ConfigError(`NUMBERGRAPH_MODE must be production or development, got "${mode}"`);
  }
  const corsOrigins = (readString(env, 'CORS_ORIGINS') ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of corsOrigins) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError(`CORS_ORIGINS must list origins such as https://app.example.com, got "${origin}"`);
    }
    if (parsed.origin !== origin) throw new ConfigError(`CORS_ORIGINS must list bare origins (scheme://host[:port]), got "${origin}"`);
  }
  const headersTimeoutMs = readInt(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, { min: 100, max: 300_000 });
  const requestTimeoutMs = readInt(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, { min: 100, max: 3_600_000 });
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(`HTTP_HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not exceed HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`);
  }
  return {
    mode: isProduction(env) ? 'production' : 'development',
    limits: {
      depth: readInt(env, 'MAX_DEPTH', DEFAULT_LIMITS.depth, { min: 1, max: 100 }),
      aliases: readInt(env, 'MAX_ALIASES', DEFAULT_LIMITS.aliases, { min: 0, max: 100_000 }),
      tokens: readInt(env, 'MAX_TOKENS', DEFAULT_LIMITS.tokens, { min: 10, max: 1_000_000 }),
      rootFields: readInt(env, 'MAX_ROOT_FIELDS', DEFAULT_LIMITS.rootFields, { min: 1, max: 100_000 }),
      cost: readInt(env, 'MAX_COST', DEFAULT_LIMITS.cost, { min: 1, max: 100_000_000 }),
      assumedListSize: readInt(env, 'ASSUMED_LIST_SIZE', DEFAULT_LIMITS.assumedListSize, { min: 1, max: 10_000 }),
      bodyBytes: readInt(env, 'MAX_BODY_BYTES', DEFAULT_LIMITS.bodyBytes, { min: 1_024, max: 64 * 1024 * 1024 }),
      upstreamCalls: readInt(env, 'MAX_UPSTREAM_CALLS', DEFAULT_LIMITS.upstreamCalls, { min: 1, max: 10_000_000 }),
      upstreamCallsPerMinute: readInt(env, 'UPSTREAM_CALLS_PER_MINUTE', DEFAULT_LIMITS.upstreamCallsPerMinute, { min: 1, max: 100_000_000 }),
    },
    rateLimit: {
      requests: readInt(env, 'RATE_LIMIT_REQUESTS', 600, { min: 1, max: 10_000_000 }),
      windowSeconds: readInt(env, 'RATE_LIMIT_WINDOW_SECONDS', 60, { min: 1, max: 86_400 }),
    },
    subgraphTimeoutMs: readInt(env, 'SUBGRAPH_TIMEOUT_MS', 10_000, { min: 10, max: 300_000 }),
    requestDeadlineMs: readInt(env, 'REQUEST_TIMEOUT_MS', 30_000, { min: 10, max: 600_000 }),
    headersTimeoutMs,
    requestTimeoutMs,
    drainTimeoutMs: readInt(env, 'DRAIN_TIMEOUT_MS', 25_000, { min: 0, max: 3_600_000 }),
    corsOrigins,
    signingSecret: readSigningSecret(env, options.subgraphsOverHttp),
    redisUrl: readUrl(env, 'REDIS_URL', ['redis:', 'rediss:']) ?? null,
    addressLimit: {
      failures: readInt(env, 'AUTH_FAILURES_PER_ADDRESS', 30, { min: 1, max: 10_000_000 }),
      trustedProxies: readTrustedProxies(readString(env, 'TRUSTED_PROXIES')),
    },
    metrics:
      readString(env, 'METRICS_PORT') === undefined
        ? null
        : { port: readInt(env, 'METRICS_PORT', 0, { min: 0, max: 65_535 }), host: readString(env, 'METRICS_HOST') ?? '127.0.0.1' },
  };
}
