/** Test helpers starting the embedded gateway on the imported plan, optionally over the simulator, and observing subgraph fetches. */
import { readFileSync } from 'node:fs';
import { postGraphQL, type GraphQLResult } from './http.js';
import { createLogger } from '../../platform/logger.js';
import { startEmbedded, type Embedded } from '../../src/embedded.js';
import type { ProvidersOptions } from '../../src/providers.js';
import { freshDatabase, pgliteCopy } from './database.js';
import { removeEventsNamespace, testEventsNamespace } from './events.js';
import type { RequestScope } from '../../contracts/identity.js';
import { SUBGRAPH_NAMES, type SubgraphName } from '../../subgraphs/names.js';
import type { Subgraph } from '../../subgraphs/subgraph.js';

export interface TestGateway {
  url: string;
  embedded: Embedded;
  /** Where its events go on NATS (EVENTS_NAMESPACE): a bus of the test's must use the same. */
  eventsNamespace: string;
  /** POSTs an operation to the gateway over HTTP, as a client would. */
  request<Data = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResult<Data>>;
  close(): Promise<void>;
}

/**
 * The embedded product on the imported plan (on PGlite: a copy of the e2e template), listening on a free loopback port. `env` adds to
 * the process environment (e.g. raised limits, NUMBERGRAPH_MODE=production). Providers are off
 * unless asked for: then the simulator starts on loopback and the catalogue syncs first.
 */
export async function startTestGateway(options: { providers?: ProvidersOptions; env?: Record<string, string | undefined> } = {}): Promise<TestGateway> {
  // PGlite: a copy of the template the global setup imported the plan into, deleted at close
  const copy = process.env.DATABASE_URL ? null : pgliteCopy('plan');
  const env = { ...process.env, ...options.env };
  // on NATS, a namespace of this gateway's own unless the test names one (and removes it)
  const ownNamespace = env.NATS_URL && !options.env?.EVENTS_NAMESPACE ? testEventsNamespace() : null;
  const eventsNamespace = ownNamespace ?? env.EVENTS_NAMESPACE ?? 'numbergraph';
  const removeNamespace = async () => {
    if (ownNamespace) await removeEventsNamespace(env.NATS_URL!, ownNamespace);
  };
  let embedded: Embedded;
  try {
    embedded = await startEmbedded({
      // tests share one key budget in development (no key): only a test of the rate limit sets one
      env: { ...process.env, RATE_LIMIT_REQUESTS: '1000000', ...options.env, EVENTS_NAMESPACE: eventsNamespace },
      logger: createLogger({ LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' }),
      providers: options.providers ?? { disabled: true },
      pgliteDir: copy?.dataDir ?? null,
      importPlan: 'never',
    });
  } catch (error) {
    copy?.remove();
    await removeNamespace();
    throw error;
  }
  const close = async () => {
    await embedded.close();
    copy?.remove();
    await removeNamespace();
  };
  try {
    const url = await embedded.gateway.listen(0, '127.0.0.1');
    return { url, embedded, eventsNamespace, request: (query, variables, headers) => postGraphQL(url, query, variables, headers), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The embedded product over the provider simulator (instant answers unless `providers` says
 * otherwise), its catalogue synced once at start, in an inventory database of its own: a new
 * database on the Postgres server of DATABASE_URL (dropped by `close`; routing's schema too), else PGlite in memory,
 * which is one already. Orders and reservations start from none, whatever other files did.
 */
export async function startInventoryGateway(options: { providers?: ProvidersOptions; env?: Record<string, string | undefined> } = {}): Promise<TestGateway & { inventoryDatabaseUrl: string | null }> {
  const own = process.env.DATABASE_URL ? await freshDatabase() : null;
  const inventoryDatabaseUrl = own?.target.kind === 'postgres' ? own.target.url : null;
  try {
    const gateway = await startTestGateway({
      // routing follows this inventory's events: its projection starts from none with it
      env: { SYNC_INTERVAL_SECONDS: '0', ...(inventoryDatabaseUrl ? { INVENTORY_DATABASE_URL: inventoryDatabaseUrl, ROUTING_DATABASE_URL: inventoryDatabaseUrl } : {}), ...options.env },
      providers: options.providers ?? { simulator: { instant: true, orderDelayMs: 5 } },
    });
    return {
      ...gateway,
      inventoryDatabaseUrl,
      close: async () => {
        await gateway.close();
        await own?.close();
      },
    };
  } catch (error) {
    await own?.close();
    throw error;
  }
}

/**
 * Calls `observe` with the scope of every subgraph fetch the gateway makes (each fetch builds one
 * subgraph context), on every subgraph or on those named.
 */
export function observeSubgraphFetches(gateway: TestGateway, observe: (scope: RequestScope) => void, only?: SubgraphName[]): void {
  const wrap = (subgraph: Subgraph) => {
    const create = subgraph.createContext.bind(subgraph);
    subgraph.createContext = (scope) => {
      observe(scope);
      return create(scope);
    };
  };
  for (const name of only ?? SUBGRAPH_NAMES) wrap(gateway.embedded.subgraphs[name]);
}

/** A contract operation as the project keeps it in schema/operations/. */
export function operation(name: string): string {
  return readFileSync(new URL(`../../schema/operations/${name}.graphql`, import.meta.url), 'utf8');
}
