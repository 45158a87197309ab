import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { visibleTenant, type RequestScope } from '../shared/identity.js';
import type { RoutingServices } from './services.js';
import * as store from './store/routes.js';
import type { RouteRow, RoutingTables } from './tables.js';

export interface Context {
  db: Kysely<RoutingTables>;
  scope: RequestScope;
  /** The tenant whose routes and webhooks this caller sees (null: none). */
  tenant: string | null;
  services: RoutingServices;
  loaders: { routes: DataLoader<string, RouteRow | null> };
}

const MAX_BATCH = 1_000;

/** Loaders live for one request: a route is the caller's tenant's or nothing. */
export function createContext(db: Kysely<RoutingTables>, scope: RequestScope, services: RoutingServices): Context {
  const tenant = visibleTenant(scope.identity);
  const routes = new DataLoader<string, RouteRow | null>(
    async (keys) => {
      const named = keys.filter((k) => !k.includes('\u0000'));
      const rows = tenant === null || named.length === 0 ? [] : await store.routes(db, named);
      const byKey = new Map(rows.filter((r) => r.tenant === tenant).map((r) => [r.e164, r]));
      return keys.map((key) => byKey.get(key) ?? null);
    },
    { maxBatchSize: MAX_BATCH },
  );
  return { db, scope, tenant, services, loaders: { routes } };
}
