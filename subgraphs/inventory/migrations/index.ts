/** Gathers the inventory subgraph's migrations, in order of their names. */
import type { Migration } from 'kysely';
import * as catalogue from './20261125T230000_catalogue.js';
import * as upstreamOrderId from './20261126T000000_upstream_order_id.js';
import * as orderLinesOutbox from './20261202T080000_order_lines_outbox.js';
import * as orderEndUser from './20261202T140000_order_end_user.js';
import * as numberChainFacts from './20261202T190000_number_chain_facts.js';
import * as offersListedByProvider from './20261202T193000_offers_listed_by_provider.js';
import * as providerFullReadSince from './20261202T223000_provider_full_read_since.js';

/** In order of their names: the migrator applies what a database has not seen yet. */
export const migrations: Record<string, Migration> = {
  '20261125T230000_catalogue': catalogue,
  '20261126T000000_upstream_order_id': upstreamOrderId,
  '20261202T080000_order_lines_outbox': orderLinesOutbox,
  '20261202T140000_order_end_user': orderEndUser,
  '20261202T190000_number_chain_facts': numberChainFacts,
  '20261202T193000_offers_listed_by_provider': offersListedByProvider,
  '20261202T223000_provider_full_read_since': providerFullReadSince,
};
