/** The gateway's Prometheus metrics: requests and latency per operation, subgraph fetches, errors by code, pool use, Redis health. */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { Counter, Gauge, Registry } from 'prom-client';
import { useRequestMetrics } from './request-metrics.js';

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
  plugin(): GatewayPlugin;
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
  // the planner names a subgraph operation after the client's: label it by the client's operation
  const clientOperation = (context: unknown) => label((context as { params?: { operationName?: string } } | undefined)?.params?.operationName, context);
  return {
    registry,
    text: () => registry.metrics(),
    countError: (code) => errors.inc({ code }),
    plugin: () => useRequestMetrics(registry, label, clientOperation),
  };
}
