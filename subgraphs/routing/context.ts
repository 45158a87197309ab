/** The routing subgraph's request context: the caller's tenant, routing services, and a per-request loader of that tenant's routes. */
import type DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { visibleTenant, type RequestScope } from '../../contracts/identity.js';
import { keyedLoader } from '../../platform/loaders.js';
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

/** Loaders live for one request: a route is the caller's tenant's or nothing. */
export function createContext(db: Kysely<RoutingTables>, scope: RequestScope, services: RoutingServices): Context {
  const tenant = visibleTenant(scope.identity);
  const routes = keyedLoader<RouteRow>(
    async (e164s) => (tenant === null ? [] : (await store.routes(db, e164s)).filter((row) => row.tenant === tenant)),
    (row) => row.e164,
  );
  return { db, scope, tenant, services, loaders: { routes } };
}
