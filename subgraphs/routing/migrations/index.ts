/** Gathers the routing subgraph's migrations, in order of their names. */
import type { Migration } from 'kysely';
import * as routesWebhooks from './20261202T130000_routes_webhooks.js';

/** In order of their names: the migrator applies what a database has not seen yet. */
export const migrations: Record<string, Migration> = {
  '20261202T130000_routes_webhooks': routesWebhooks,
};
