/** The inventory subgraph's request context: caller's tenant, per-request loaders (rows, market depth, live provider status), order machine. */
import type { Kysely } from 'kysely';
import type { StatusResult } from '../../providers/api.js';
import { KEY_SEPARATOR } from '../../platform/pagination.js';
import { visibleTenant, type RequestScope } from '../../contracts/identity.js';
import * as repo from './store/repository.js';
import type { Machine } from './domain/order-line.js';
import type { SearchStore } from './store/searches.js';
import type { InventoryTables, NumberEventRow, NumberRow, OfferRow, OrderLineRow, OrderRow, ProviderRow } from './tables.js';
import { ProviderError } from '../../providers/client/index.js';
import type { Upstream } from './upstream/upstream.js';
import { pushTo } from '../../platform/group.js';
import { batchLoader, groupedLoader, keyedLoader } from '../../platform/loaders.js';
import type { Logger } from '../../platform/logger.js';

export interface Context {
  db: Kysely<InventoryTables>;
  scope: RequestScope;
  /** The tenant whose reservations, orders and assignments this caller sees (null: none). */
  tenant: string | null;
  upstream: Upstream;
  searches: SearchStore;
  /** This request's logger (its request id bound): where a provider failure a resolver answers around is logged. */
  logger: Logger;
  /** The order lines' state machine (its database is this request's) and how long a mutation waits for it. */
  orders: OrderSettings;
  loaders: Loaders;
}

export interface OrderSettings extends Machine {
  /** How long orderNumbers drives its lines before answering PENDING (ORDER_WAIT_MS). */
  waitMs: number;
}

/** Numbers asked of one provider per tick at most (then chunked at its batch limit). */
const MAX_LIVE_BATCH = 5_000;

const LIVE_KEY_SEPARATOR = '\u0001';
export const liveKey = (providerId: string, e164: string) => `${providerId}${LIVE_KEY_SEPARATOR}${e164}`;

export type Loaders = ReturnType<typeof createLoaders>;

/** Loaders live for one request: batching within it, no caching across requests or tenants. */
export function createLoaders(db: Kysely<InventoryTables>, upstream: Upstream, tenant: string | null) {
  const providers = keyedLoader<ProviderRow>((ids) => repo.findProvidersByIds(db, ids), (row) => row.id);
  return {
    providers,
    numbers: keyedLoader<NumberRow>((e164s) => repo.findNumbersByE164(db, e164s), (row) => row.e164),
    offers: groupedLoader<OfferRow>((e164s) => repo.findOffersByNumbers(db, e164s), (row) => row.e164),
    /** Depth of markets by `repo.marketKey`: one statement for every market asked in a tick. */
    marketDepth: groupedLoader<repo.DepthRow>(
      (keys) => repo.marketDepth(db, keys.map((key) => {
        const [country = '', number_type = ''] = key.split(KEY_SEPARATOR);
        return { country, number_type };
      })),
      (row) => repo.marketKey(row),
    ),
    /** The caller's tenant's orders by id: another tenant's order is not found. */
    orders: keyedLoader<OrderRow>((ids) => (tenant === null ? Promise.resolve([]) : repo.findOrdersByIds(db, tenant, ids)), (row) => row.id),
    orderLines: groupedLoader<OrderLineRow>((ids) => repo.findOrderLines(db, ids), (row) => row.order_id),
    events: groupedLoader<NumberEventRow>((e164s) => repo.findEventsByNumbers(db, e164s, tenant), (row) => row.e164),
    /**
     * Status and price at a provider now: the numbers asked in one tick go to each provider in
     * as few calls as its batch limit allows (one call when they fit), all providers in parallel.
     */
    live: batchLoader<string, StatusResult>(
      async (keys) => {
        const byProvider = new Map<string, string[]>();
        for (const key of keys) {
          const [providerId = '', e164 = ''] = key.split(LIVE_KEY_SEPARATOR);
          pushTo(byProvider, providerId, e164);
        }
        const answers = new Map<string, StatusResult | Error>();
        await Promise.all(
          [...byProvider].map(async ([providerId, e164s]) => {
            const api = upstream.provider(providerId);
            const row = await providers.load(providerId);
            const unique = [...new Set(e164s)];
            if (!api || !row) {
              for (const e164 of unique) answers.set(liveKey(providerId, e164), new ProviderError(providerId, 'status', 'rejected', 'not in the directory'));
              return;
            }
            const chunks: string[][] = [];
            for (let i = 0; i < unique.length; i += row.batch_limit) chunks.push(unique.slice(i, i + row.batch_limit));
            await Promise.all(
              chunks.map(async (chunk) => {
                try {
                  const results = await api.statusBatch(chunk);
                  for (const result of results) answers.set(liveKey(providerId, result.e164), result);
                } catch (error) {
                  // a provider's failure is each of its numbers' answer; anything else is a bug and fails the batch
                  if (!(error instanceof ProviderError)) throw error;
                  for (const e164 of chunk) answers.set(liveKey(providerId, e164), error);
                }
              }),
            );
          }),
        );
        return keys.map((key) => answers.get(key) ?? new ProviderError(key.split(LIVE_KEY_SEPARATOR)[0] ?? '', 'status', 'network', 'no answer for the number'));
      },
      { maxBatchSize: MAX_LIVE_BATCH },
    ),
  };
}

export interface InventoryServices {
  upstream: Upstream;
  searches: SearchStore;
  /** The subgraph's logger; each request's context gets a child with its request id. */
  logger: Logger;
  orders: Omit<OrderSettings, 'db' | 'upstream'>;
}

export function createContext(db: Kysely<InventoryTables>, scope: RequestScope, services: InventoryServices): Context {
  const tenant = visibleTenant(scope.identity);
  const logger = services.logger.child({ requestId: scope.requestId });
  return { db, scope, tenant, upstream: services.upstream, searches: services.searches, logger, orders: { ...services.orders, db, upstream: services.upstream }, loaders: createLoaders(db, services.upstream, tenant) };
}
