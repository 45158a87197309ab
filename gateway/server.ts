/** The edge: Hive Gateway runtime with the Rust query planner over the supergraph, its plugins, /ready, /admin, /metrics and draining. */
import { useRequestDeadline } from './deadline.js';
import { useSubgraphPool } from './plugins/useSubgraphPool.js';
import { useSubgraphTimeout } from './plugins/useSubgraphTimeout.js';
import { createGatewayRuntime, type GatewayPlugin, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import httpTransport from '@graphql-mesh/transport-http';
import type { Logger } from '../platform/logger.js';
import { SIGNED_SCOPE_HEADER, signScope } from '../contracts/signed-scope.js';
import { executeAdmin, type AdminStores } from './admin.js';
import { edgeError, presentedKey } from './edge-checks.js';
import { useEdge, type EdgeStores } from './edge.js';
import { maskError, usePublicErrors } from './errors.js';
import { explorerPage, useExplorer } from './explorer.js';
import { httpGateway, type HttpGateway } from './http.js';
import { inProcessTransport, type InProcessSubgraph } from './in-process.js';
import { useIntrospectionAlone } from './plugins/useIntrospectionAlone.js';
import { useRequestLimits } from './plugins/useRequestLimits.js';
import { readProjectManifest } from './operations/manifest.js';
import { runtimeLogger } from './runtime-logger.js';
import { authFailureLimit } from './client-address.js';
import { createMetrics, type Metrics, type PoolUse } from './metrics.js';
import { serveMetrics, useMetricsEndpoint } from './metrics-endpoint.js';
import { memoryQueryStore, redisQueryStore } from './query-store.js';
import { memoryRateLimiter, redisRateLimiter } from './rate-limit.js';
import { connectSharedState, resilientQueryStore, resilientRateLimiter } from './shared-state.js';
import { sandboxPage } from './sandbox.js';
import { runsRegisteredOperation, scopeOf, scopeOfRequest } from './scope.js';
import { costDirectivesOf } from './cost-directives.js';
import { upstreamBudget } from './upstream-cost.js';
import type { GatewaySettings } from './settings.js';

export interface GatewayOptions extends EdgeStores {
  /** The composed supergraph SDL (schema/supergraph.graphql). */
  supergraphSdl: string;
  settings: GatewaySettings;
  logger: Logger;
  /**
   * How the gateway reaches subgraphs: in this process (the embedded default), or over HTTP at
   * the supergraph's URLs, each overridable by name.
   */
  subgraphs: { inProcess: Record<string, InProcessSubgraph> } | { urls: Record<string, string | undefined> };
  /** Throws when the gateway cannot serve (a database or a subgraph unreachable): /ready answers 503. */
  ready(): Promise<void>;
  /** Connection pools to report in /metrics. */
  pools?: () => PoolUse[];
  /** The key and operation stores behind POST /admin (admin keys only); without them, /admin is 404. */
  admin?: AdminStores;
}

export interface Gateway {
  runtime: GatewayRuntime;
  metrics: Metrics;
  /** Serves the gateway over HTTP on `port` (0: any free port); resolves with its URL. */
  listen(port: number, host?: string): Promise<string>;
  /** Where /metrics is served without a key (METRICS_PORT), once listening; null when it is not. */
  metricsUrl: string | null;
  /** Drains in-flight requests, then releases everything the gateway holds (Redis, runtime). */
  stop(): Promise<void>;
}

/**
 * The runtime's server adapter (@whatwg-node/server, `disposeOnProcessTerminate` hard-wired on)
 * registers, when the runtime is created, SIGTERM and SIGINT listeners that dispose it, aborting
 * every request in flight with "the server is shutting down". The process owner (src/process.ts)
 * drains first and then calls `stop`: the listeners the runtime's creation added are taken back,
 * known by being new after it (the adapter registers them once per process, so later creations
 * add none).
 */
function withoutTerminationListeners<T>(create: () => T): T {
  const signals = ['SIGTERM', 'SIGINT'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const created = create();
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
  }
  return created;
}

/**
 * The edge: Hive Gateway runtime with the Rust query planner over the committed supergraph. It
 * knows subgraphs only by name; `src/embedded.ts` hands it in-process subgraphs, `src/gateway.ts`
 * their URLs. Everything a request meets before a subgraph is called lives in the plugins:
 * identity and persisted operations (edge.ts), limits (limits.ts), public errors (errors.ts).
 */
export function createGateway(options: GatewayOptions): Gateway {
  const { settings, logger } = options;
  const development = settings.mode === 'development';
  const shared = settings.redisUrl ? connectSharedState(settings.redisUrl, logger) : null;
  const projectNames = new Set(readProjectManifest().operations.map((o) => o.name));
  const metrics = createMetrics(
    options.pools ?? (() => []),
    (): Record<string, boolean> => (shared ? { redis: !shared.degraded() } : {}),
    (name, context) => projectNames.has(name) || runsRegisteredOperation(context),
  );
  const rateLimiter = shared
    ? resilientRateLimiter(shared, redisRateLimiter(shared.redis, settings.rateLimit), memoryRateLimiter(settings.rateLimit))
    : memoryRateLimiter(settings.rateLimit);
  const budget = upstreamBudget(settings.limits.upstreamCallsPerMinute);
  const authFailures = authFailureLimit(settings.addressLimit.failures, settings.rateLimit.windowSeconds);
  const apq = shared ? resilientQueryStore(shared, redisQueryStore(shared.redis), memoryQueryStore()) : memoryQueryStore();
  // the runtime's logs, into our pino logger (one stream, one format, our level)
  const log = runtimeLogger(logger);
  const errorOptions = { development, logger, count: metrics.countError };
  const inProcess = 'inProcess' in options.subgraphs ? options.subgraphs.inProcess : null;
  const urls = 'urls' in options.subgraphs ? options.subgraphs.urls : {};
  const signingSecret = settings.signingSecret;
  const contract = new Set(readProjectManifest().operations.map((o) => o.id));
  if (!inProcess && !signingSecret) throw new Error('subgraphs over HTTP need GATEWAY_SIGNING_SECRET');

  const readyPlugin: GatewayPlugin = {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== '/ready') return;
      return options.ready().then(
        // a dead Redis leaves the gateway serving (per-process limits, APQ in memory): ready, degraded
        () => {
          const degraded = shared?.degraded() ? ['redis'] : [];
          const body = degraded.length > 0 ? { ready: true, degraded } : { ready: true };
          endResponse(new fetchAPI.Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } }));
        },
        (error: unknown) => {
          logger.warn({ err: error }, 'not ready');
          endResponse(new fetchAPI.Response(JSON.stringify({ ready: false }), { status: 503, headers: { 'content-type': 'application/json' } }));
        },
      );
    },
  };
  const json = (fetchAPI: { Response: typeof Response }, status: number, body: unknown) =>
    new fetchAPI.Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
  const adminPlugin: GatewayPlugin = {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== '/admin' || !options.admin) return;
      const admin = options.admin;
      const refuse = (status: number, code: string, message: string) => endResponse(json(fetchAPI, status, { errors: [{ message, extensions: { code } }] }));
      // a JSON POST only: a browser cannot send one cross-site without a preflight (CSRF)
      if (request.method !== 'POST' || !(request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json')) {
        return refuse(405, 'BAD_REQUEST', 'POST /admin with content-type: application/json');
      }
      const requestId = crypto.randomUUID();
      return (async () => {
        let key: string | null;
        try {
          key = presentedKey(request.headers);
        } catch (error) {
          return refuse(401, 'UNAUTHENTICATED', (error as Error).message);
        }
        const identity = key && key.length <= 256 ? await options.authenticate(key) : null;
        if (!identity) return refuse(401, 'UNAUTHENTICATED', key ? 'The API key is unknown or revoked' : 'An admin API key is required: send "authorization: Bearer <key>"');
        let body: Record<string, unknown>;
        try {
          body = (await request.json()) as Record<string, unknown>;
        } catch {
          return refuse(400, 'BAD_REQUEST', 'The request body is not JSON');
        }
        if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse(400, 'BAD_REQUEST', 'The request body must be one JSON object');
        const { status, result } = await executeAdmin(admin, identity, body, logger, requestId);
        endResponse(json(fetchAPI, status, result));
      })().catch((error: unknown) => {
        logger.error({ err: error, requestId }, 'admin request failed');
        refuse(500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      });
    },
  };
  const signPlugin: GatewayPlugin = {
    // every HTTP fetch to a subgraph carries the request's scope, signed and short-lived
    onFetch({ context, options: init, setOptions }) {
      if (!signingSecret || !('request' in context)) return;
      // bound to this fetch's exact body: a captured header runs nothing else
      if (typeof init.body !== 'string') return; // unsigned: the service refuses it
      setOptions({ ...init, headers: { ...(init.headers as Record<string, string>), [SIGNED_SCOPE_HEADER]: signScope(scopeOf(context), signingSecret, init.body) } });
    },
  };

  const runtime = withoutTerminationListeners(() => createGatewayRuntime({
    supergraph: options.supergraphSdl,
    unifiedGraphHandler,
    logging: log,
    graphqlEndpoint: '/',
    healthCheckEndpoint: '/health',
    readinessCheckEndpoint: '/runtime-ready',
    transports: inProcess ? () => inProcessTransport(inProcess, logger) : { http: httpTransport },
    transportEntries: {
      ...Object.fromEntries(
        Object.entries(urls)
          .filter((entry): entry is [string, string] => Boolean(entry[1]))
          // the endpoint also as a plain string: the HTTP transport otherwise interpolates the
          // location as a template on every subgraph call (about 0.05 ms of CPU per Lineage)
          .map(([name, location]) => [name, { location, options: { endpoint: location } }]),
      ),
      // No in-flight deduplication of subgraph fetches. The HTTP executor merges identical
      // queries in flight by URL, method and body, before `onFetch` adds the signed scope header
      // that carries the caller: two tenants asking the same thing at once would share the first
      // one's answer. Every fetch is its own, whoever asks (see "Tenant isolation" in README).
      '*.http': { options: { deduplicateInflightRequests: false } },
    },
    // no upstream retry: the runtime retries any thrown error, a timeout included, which would
    // double the time a client waits past SUBGRAPH_TIMEOUT_MS
    maskedErrors: { maskError: maskError(errorOptions) },
    disableIntrospection: { disableIf: ({ context }) => !development && scopeOf(context).identity.role !== 'analyst' },
    csrfPrevention: { requestHeaders: ['x-graphql-csrf', 'apollo-require-preflight', 'graphql-preflight'] },
    cors: settings.corsOrigins.length > 0 ? { origin: settings.corsOrigins, credentials: false, allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'x-request-id', 'apollo-require-preflight', 'x-graphql-csrf'] } : false,
    batching: false,
    requestId: false,
    landingPage: false,
    graphiql: true,
    // GraphiQL on this server's own assets (works offline); Apollo Sandbox at /sandbox
    renderGraphiQL: () => explorerPage('/'),
    subgraphErrors: false,
    plugins: (context) => [
      readyPlugin,
      useExplorer('/', () => sandboxPage('/')),
      useRequestDeadline(settings.requestDeadlineMs),
      // in place of the runtime's upstreamTimeout (see the plugin: a millisecond cheaper per request)
      useSubgraphTimeout(settings.subgraphTimeoutMs),
      // subgraph services over HTTP: one keep-alive pool each (the in-process transport fetches nothing)
      ...(inProcess ? [] : [useSubgraphPool(settings.subgraphTimeoutMs)]),
      adminPlugin,
      useMetricsEndpoint({ text: metrics.text, authenticate: options.authenticate, addresses: { limit: authFailures, trustedProxies: settings.addressLimit.trustedProxies } }),
      ...useEdge({
        mode: settings.mode,
        authenticate: options.authenticate,
        findOperation: options.findOperation,
        rateLimiter,
        apq,
        addresses: { limit: authFailures, trustedProxies: settings.addressLimit.trustedProxies },
        logger,
      }),
      useRequestLimits(settings.limits, contract, {
        directives: costDirectivesOf(options.supergraphSdl),
        spend: (context, calls) => {
          const scope = scopeOfRequest((context as { request: Request }).request);
          const wait = budget.spend(scope?.identity.keyId ?? 'anonymous', calls);
          if (wait === null) return null;
          return edgeError(`This key's budget of ${settings.limits.upstreamCallsPerMinute} provider calls a minute is spent: try again in ${wait} s`, 'RATE_LIMITED', 429, { 'retry-after': String(wait) });
        },
      }),
      useIntrospectionAlone(),
      signPlugin,
      metrics.plugin(),
      usePublicErrors(errorOptions),
    ],
  }));

  let http: HttpGateway | null = null;
  let metricsServer: Awaited<ReturnType<typeof serveMetrics>> | null = null;
  let stopped: Promise<void> | null = null;
  return {
    runtime,
    metrics,
    get metricsUrl() {
      return metricsServer?.url ?? null;
    },
    listen: async (port, host = '0.0.0.0') => {
      if (settings.metrics && !metricsServer) metricsServer = await serveMetrics(metrics.text, settings.metrics.port, settings.metrics.host);
      http = httpGateway(runtime, settings, logger);
      return http.listen(port, host);
    },
    stop: () =>
      (stopped ??= (async () => {
        await http?.drain();
        await metricsServer?.close();
        await runtime.dispose();
        await shared?.close();
      })()),
  };
}
