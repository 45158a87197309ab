/** The gateway's settings, read once at start through the configuration schema. */
import type { BlockList } from 'node:net';
import { ConfigError } from '../platform/config.js';
import { readSettings, SETTINGS, type Env } from '../platform/settings-schema.js';
import { readSigningSecret } from '../contracts/signed-scope.js';
import { readTrustedProxies } from './client-address.js';

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

/** The limits' defaults, as the configuration schema has them. */
export const DEFAULT_LIMITS: RequestLimits = {
  depth: SETTINGS.MAX_DEPTH.default,
  aliases: SETTINGS.MAX_ALIASES.default,
  tokens: SETTINGS.MAX_TOKENS.default,
  rootFields: SETTINGS.MAX_ROOT_FIELDS.default,
  cost: SETTINGS.MAX_COST.default,
  assumedListSize: SETTINGS.ASSUMED_LIST_SIZE.default,
  bodyBytes: SETTINGS.MAX_BODY_BYTES.default,
  upstreamCalls: SETTINGS.MAX_UPSTREAM_CALLS.default,
  upstreamCallsPerMinute: SETTINGS.UPSTREAM_CALLS_PER_MINUTE.default,
};

/** NUMBERGRAPH_MODE=production, or NODE_ENV=production when NUMBERGRAPH_MODE is unset. */
export function isProduction(env: Env): boolean {
  const { NODE_ENV, NUMBERGRAPH_MODE } = readSettings(env, ['NODE_ENV', 'NUMBERGRAPH_MODE']);
  return NODE_ENV === 'production' || NUMBERGRAPH_MODE === 'production';
}

export function readGatewaySettings(env: Env, options: { subgraphsOverHttp: boolean }): GatewaySettings {
  const s = readSettings(env, [
    'NUMBERGRAPH_MODE',
    'CORS_ORIGINS',
    'HTTP_HEADERS_TIMEOUT_MS',
    'HTTP_REQUEST_TIMEOUT_MS',
    'MAX_DEPTH',
    'MAX_ALIASES',
    'MAX_TOKENS',
    'MAX_ROOT_FIELDS',
    'MAX_COST',
    'ASSUMED_LIST_SIZE',
    'MAX_BODY_BYTES',
    'MAX_UPSTREAM_CALLS',
    'UPSTREAM_CALLS_PER_MINUTE',
    'RATE_LIMIT_REQUESTS',
    'RATE_LIMIT_WINDOW_SECONDS',
    'SUBGRAPH_TIMEOUT_MS',
    'REQUEST_TIMEOUT_MS',
    'DRAIN_TIMEOUT_MS',
    'REDIS_URL',
    'AUTH_FAILURES_PER_ADDRESS',
    'TRUSTED_PROXIES',
    'METRICS_PORT',
    'METRICS_HOST',
  ]);
  if (s.HTTP_HEADERS_TIMEOUT_MS > s.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError(`HTTP_HEADERS_TIMEOUT_MS (${s.HTTP_HEADERS_TIMEOUT_MS}) must not exceed HTTP_REQUEST_TIMEOUT_MS (${s.HTTP_REQUEST_TIMEOUT_MS})`);
  }
  return {
    mode: isProduction(env) ? 'production' : 'development',
    limits: {
      depth: s.MAX_DEPTH,
      aliases: s.MAX_ALIASES,
      tokens: s.MAX_TOKENS,
      rootFields: s.MAX_ROOT_FIELDS,
      cost: s.MAX_COST,
      assumedListSize: s.ASSUMED_LIST_SIZE,
      bodyBytes: s.MAX_BODY_BYTES,
      upstreamCalls: s.MAX_UPSTREAM_CALLS,
      upstreamCallsPerMinute: s.UPSTREAM_CALLS_PER_MINUTE,
    },
    rateLimit: { requests: s.RATE_LIMIT_REQUESTS, windowSeconds: s.RATE_LIMIT_WINDOW_SECONDS },
    subgraphTimeoutMs: s.SUBGRAPH_TIMEOUT_MS,
    requestDeadlineMs: s.REQUEST_TIMEOUT_MS,
    headersTimeoutMs: s.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: s.HTTP_REQUEST_TIMEOUT_MS,
    drainTimeoutMs: s.DRAIN_TIMEOUT_MS,
    corsOrigins: s.CORS_ORIGINS,
    signingSecret: readSigningSecret(env, options.subgraphsOverHttp),
    redisUrl: s.REDIS_URL ?? null,
    addressLimit: { failures: s.AUTH_FAILURES_PER_ADDRESS, trustedProxies: readTrustedProxies(s.TRUSTED_PROXIES) },
    metrics: s.METRICS_PORT === undefined ? null : { port: s.METRICS_PORT, host: s.METRICS_HOST },
  };
}
