/** The gateway's Prometheus metrics: requests and latency per operation, subgraph fetches, errors by code, pool use, Redis health. */
import usePrometheus, { createCounter, createHistogram } from '@graphql-mesh/plugin-prometheus';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { Logger as HiveLogger } from '@graphql-hive/logger';
import { Counter, Gauge, Registry } from 'prom-client';

/** A database connection pool's use, for the pool gauge (Postgres pools; PGlite has none). */
export interface PoolUse {
  database: string;
  total: number;
  idle: number;
  waiting: number;
}

export interface Metrics {
  registry: Registry;
  /** The Prometheus text of every metric. */
  text(): Promise<string>;
  /** Counts an error the client got, by its code. */
  countError(code: string): void;
  plugin(log: HiveLogger): GatewayPlugin;
}

/** Distinct operation names a registry labels; later ones count as "other". */
export const MAX_OPERATION_LABELS = 200;
/** Longer names count as "other" too: a GraphQL name may be as long as the document. */
const MAX_OPERATION_LABEL_LENGTH = 100;

/**
 * Operation names come from clients: as labels they would show one tenant's operation names to
 * whoever reads the metrics, and each distinct one is a new time series kept for the life of the
 * process. Only names that are registered keep their own label (`registered` says: the project's
 * manifest, or a persisted operation a tenant registered and ran by id); every other name, and
 * registered names past the first MAX_OPERATION_LABELS, count as "other".
 */
export function operationLabels(registered: (name: string, context: unknown) => boolean, max = MAX_OPERATION_LABELS): (name: string | null | undefined, context?: unknown) => string {
  const known = new Set<string>();
  return (name, context) => {
    if (!name) return 'Anonymous';
    if (known.has(name) && registered(name, context)) return name;
    if (name.length > MAX_OPERATION_LABEL_LENGTH || known.size >= max || !registered(name, context)) return 'other';
    known.add(name);
    return name;
  };
}

/** A database as a label: its name and server, never its URL (user, password, parameters). */
export function databaseLabel(description: string): string {
  const url = /[a-z]+:\/\/\S+/i.exec(description)?.[0];
  if (!url) return description;
  try {
    const parsed = new URL(url);
    return `${description.slice(0, description.indexOf(url)).trim() || parsed.protocol.replace(':', '')} ${parsed.pathname.replace(/^\//, '') || '(default)'} on ${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}`;
  } catch {
    return 'database';
  }
}

/**
 * Prometheus metrics at /metrics, one registry per gateway: requests and latency per operation
 * name and subgraph fetch latency (the runtime's Prometheus plugin), errors by code, database
 * pool use and whether optional dependencies (Redis) answer (ours).
 */
export function createMetrics(
  pools: () => PoolUse[],
  dependencies: () => Record<string, boolean> = () => ({}),
  registered: (name: string, context: unknown) => boolean = () => false,
): Metrics {
  const registry = new Registry();
  new Gauge({
    name: 'numbergraph_dependency_up',
    help: 'Whether an optional dependency answers (1) or the gateway works without it, degraded (0)',
    labelNames: ['dependency'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [dependency, up] of Object.entries(dependencies())) this.set({ dependency }, up ? 1 : 0);
    },
  });
  const errors = new Counter({ name: 'numbergraph_errors_total', help: 'Errors returned to clients, by code', labelNames: ['code'], registers: [registry] });
  const gauge = (name: string, help: string, pick: (p: PoolUse) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['database'],
      registers: [registry],
      collect() {
        this.reset();
        for (const pool of pools()) this.set({ database: databaseLabel(pool.database) }, pick(pool));
      },
    });
  gauge('numbergraph_db_pool_connections', 'Open connections of each database pool', (p) => p.total);
  gauge('numbergraph_db_pool_idle', 'Idle connections of each database pool', (p) => p.idle);
  gauge('numbergraph_db_pool_waiting', 'Queries waiting for a connection, per database pool', (p) => p.waiting);
  const label = operationLabels(registered);
  const operation = ['operationName', 'operationType'] as const;
  const subgraph = ['subgraphName', 'operationName', 'operationType'] as const;
  type SubgraphParams = { subgraphName: string; executionRequest: { operationType?: string; context?: unknown } };
  // the planner names a subgraph operation after the client's: label it by the client's operation
  const clientOperation = (context: unknown) => label((context as { params?: { operationName?: string } } | undefined)?.params?.operationName, context);
  return {
    registry,
    text: () => registry.metrics(),
    countError: (code) => errors.inc({ code }),
    plugin: (log) =>
      usePrometheus({
        log,
        registry,
        // served by metrics-endpoint.ts: on METRICS_PORT, or to an admin key on the API port
        endpoint: false,
        metrics: {
          // requests per operation name: the duration histogram's _count
          graphql_envelop_request: false,
          graphql_envelop_request_duration: createHistogram({
            registry,
            histogram: { name: 'graphql_envelop_request_duration', help: 'Time spent on running the GraphQL "execute" function', labelNames: operation },
            fillLabelsFn: (params, context) => ({ operationName: label(params.operationName, context), operationType: params.operationType ?? 'query' }),
          }),
          graphql_envelop_request_time_summary: false,
          graphql_envelop_phase_parse: false,
          graphql_envelop_phase_validate: false,
          graphql_envelop_phase_context: false,
          graphql_envelop_phase_execute: false,
          graphql_envelop_phase_subscribe: false,
          // no path label: a path is made of the client's aliases
          graphql_envelop_error_result: createCounter({
            registry,
            counter: { name: 'graphql_envelop_error_result', help: 'Counts the amount of errors reported from all phases', labelNames: [...operation, 'phase'] },
            fillLabelsFn: (params, context) => ({ operationName: label(params.operationName, context), operationType: params.operationType ?? 'query', phase: String((params as { errorPhase?: string }).errorPhase ?? '') }),
          }),
          graphql_envelop_deprecated_field: false,
          graphql_envelop_schema_change: false,
          graphql_yoga_http_duration: false,
          // labelled by URL: off
          graphql_gateway_fetch_duration: false,
          graphql_gateway_subgraph_execute_duration: createHistogram({
            registry,
            histogram: { name: 'graphql_gateway_subgraph_execute_duration', help: 'Time spent on subgraph execution', labelNames: subgraph },
            fillLabelsFn: ({ subgraphName, executionRequest }: SubgraphParams, context: unknown) => ({
              subgraphName,
              operationName: clientOperation(executionRequest.context ?? context),
              operationType: executionRequest.operationType ?? 'query',
            }),
          }),
          graphql_gateway_subgraph_execute_errors: createCounter({
            registry,
            counter: { name: 'graphql_gateway_subgraph_execute_errors', help: 'Number of errors on subgraph execution', labelNames: subgraph },
            fillLabelsFn: ({ subgraphName, executionRequest }: SubgraphParams, context: unknown) => ({
              subgraphName,
              operationName: clientOperation(executionRequest.context ?? context),
              operationType: executionRequest.operationType ?? 'query',
            }),
          }),
        },
      }),
  };
}
