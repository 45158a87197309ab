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
  /** Counts an error the client got, by its code. */
  countError(code: string): void;
  plugin(log: HiveLogger): GatewayPlugin;
}

/** Distinct operation names a registry labels; later ones count as "other". */
export const MAX_OPERATION_LABELS = 200;
/** Longer names count as "other" too: a GraphQL name may be as long as the document. */
const MAX_OPERATION_LABEL_LENGTH = 100;

/**
 * Operation names come from clients: each distinct one is a new time series in every metric it
 * labels, kept for the life of the process and sent on every scrape. The first
 * MAX_OPERATION_LABELS names keep their own; later ones share "other", so a client sending a
 * fresh name with every request cannot grow the gateway's memory or /metrics without bound.
 */
export function operationLabels(max = MAX_OPERATION_LABELS): (name: string | null | undefined) => string {
  const known = new Set<string>();
  return (name) => {
    const label = name || 'Anonymous';
    if (known.has(label)) return label;
    if (label.length > MAX_OPERATION_LABEL_LENGTH || known.size >= max) return 'other';
    known.add(label);
    return label;
  };
}

/**
 * Prometheus metrics at /metrics, one registry per gateway: requests and latency per operation
 * name and subgraph fetch latency (the runtime's Prometheus plugin), errors by code and
 * database pool use (ours).
 */
export function createMetrics(pools: () => PoolUse[]): Metrics {
  const registry = new Registry();
  const errors = new Counter({ name: 'numbergraph_errors_total', help: 'Errors returned to clients, by code', labelNames: ['code'], registers: [registry] });
  const gauge = (name: string, help: string, pick: (p: PoolUse) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['database'],
      registers: [registry],
      collect() {
        this.reset();
        for (const pool of pools()) this.set({ database: pool.database }, pick(pool));
      },
    });
  gauge('numbergraph_db_pool_connections', 'Open connections of each database pool', (p) => p.total);
  gauge('numbergraph_db_pool_idle', 'Idle connections of each database pool', (p) => p.idle);
  gauge('numbergraph_db_pool_waiting', 'Queries waiting for a connection, per database pool', (p) => p.waiting);
  const label = operationLabels();
  const operation = ['operationName', 'operationType'] as const;
  const subgraph = ['subgraphName', 'operationName', 'operationType'] as const;
  type SubgraphParams = { subgraphName: string; executionRequest: { operationName?: string; operationType?: string } };
  return {
    registry,
    countError: (code) => errors.inc({ code }),
    plugin: (log) =>
      usePrometheus({
        log,
        registry,
        endpoint: '/metrics',
        metrics: {
          // requests per operation name: the duration histogram's _count
          graphql_envelop_request: false,
          graphql_envelop_request_duration: createHistogram({
            registry,
            histogram: { name: 'graphql_envelop_request_duration', help: 'Time spent on running the GraphQL "execute" function', labelNames: operation },
            fillLabelsFn: (params) => ({ operationName: label(params.operationName), operationType: params.operationType ?? 'query' }),
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
            fillLabelsFn: (params) => ({ operationName: label(params.operationName), operationType: params.operationType ?? 'query', phase: String((params as { errorPhase?: string }).errorPhase ?? '') }),
          }),
          graphql_envelop_deprecated_field: false,
          graphql_envelop_schema_change: false,
          graphql_yoga_http_duration: false,
          graphql_gateway_fetch_duration: true,
          graphql_gateway_subgraph_execute_duration: createHistogram({
            registry,
            histogram: { name: 'graphql_gateway_subgraph_execute_duration', help: 'Time spent on subgraph execution', labelNames: subgraph },
            fillLabelsFn: ({ subgraphName, executionRequest }: SubgraphParams) => ({
              subgraphName,
              operationName: label(executionRequest.operationName),
              operationType: executionRequest.operationType ?? 'query',
            }),
          }) as never,
          graphql_gateway_subgraph_execute_errors: createCounter({
            registry,
            counter: { name: 'graphql_gateway_subgraph_execute_errors', help: 'Number of errors on subgraph execution', labelNames: subgraph },
            fillLabelsFn: ({ subgraphName, executionRequest }: SubgraphParams) => ({
              subgraphName,
              operationName: label(executionRequest.operationName),
              operationType: executionRequest.operationType ?? 'query',
            }),
          }) as never,
        },
      }) as unknown as GatewayPlugin,
  };
}
