import usePrometheus from '@graphql-mesh/plugin-prometheus';
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
          graphql_envelop_request_duration: true,
          graphql_envelop_request_time_summary: false,
          graphql_envelop_phase_parse: false,
          graphql_envelop_phase_validate: false,
          graphql_envelop_phase_context: false,
          graphql_envelop_phase_execute: false,
          graphql_envelop_phase_subscribe: false,
          graphql_envelop_error_result: true,
          graphql_envelop_deprecated_field: false,
          graphql_envelop_schema_change: false,
          graphql_yoga_http_duration: false,
          graphql_gateway_fetch_duration: true,
          graphql_gateway_subgraph_execute_duration: true,
          graphql_gateway_subgraph_execute_errors: true,
        },
      }) as unknown as GatewayPlugin,
  };
}
