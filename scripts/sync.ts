/**
 * `npm run sync`: reads every provider's feed once into the inventory catalogue of
 * INVENTORY_DATABASE_URL / DATABASE_URL (or the embedded PGlite under .data/), from where the
 * last sync stopped. Providers come from PROVIDERS_URL (default http://127.0.0.1:4010, where
 * `npm run simulator` listens). Stop `npm start` first when syncing into the embedded PGlite.
 */
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { ProviderDirectory } from '../providers/client/index.js';
import { inventory } from '../subgraphs/inventory/index.js';
import { syncCatalogue } from '../subgraphs/inventory/sync.js';
import type { InventoryTables } from '../subgraphs/inventory/tables.js';
import { upstreamFromDirectory } from '../subgraphs/inventory/upstream.js';
import { ConfigError, readUrl, redact } from '../subgraphs/shared/config.js';
import { databaseTargetFromEnv, openDatabase } from '../subgraphs/shared/db.js';
import { processLogger } from '../subgraphs/shared/logger.js';
import { createSubgraph } from '../subgraphs/shared/subgraph.js';
import { pgliteDirFromEnv } from '../src/embedded.js';

const logger = processLogger();
const { values } = parseArgs({ options: { help: { type: 'boolean' } } });
if (values.help) {
  console.log('usage: [PROVIDERS_URL=http://127.0.0.1:4010] npm run sync');
  process.exit(0);
}

let providersUrl: string;
try {
  providersUrl = readUrl(process.env, 'PROVIDERS_URL', ['http:', 'https:']) ?? 'http://127.0.0.1:4010';
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  logger.fatal(error.message);
  process.exit(1);
}
const database = await openDatabase(databaseTargetFromEnv(process.env, 'inventory', pgliteDirFromEnv(process.env)), logger);
let directory: ProviderDirectory | null = null;
try {
  const subgraph = createSubgraph(inventory, database, logger);
  await subgraph.migrate();
  directory = await ProviderDirectory.discover(providersUrl);
  logger.info({ providers: directory.entries.length, url: redact(providersUrl), database: database.description }, 'syncing the catalogue');
  const report = await syncCatalogue(subgraph.db, upstreamFromDirectory(directory), logger, { shared: database.target.kind === 'postgres' });
  console.log(
    `synced ${report.providers} providers: ${report.items} feed items, ${report.numbersAdded} numbers added, ${report.numbersChanged} changed, ${report.numbersWithdrawn} withdrawn, ${report.reservationsExpired} reservations expired${report.skipped.length > 0 ? `, ${report.skipped.length} providers skipped (another instance was syncing them)` : ''}`,
  );
  if (report.failed.length > 0) {
    console.log(`not synced (retried next time): ${report.failed.join(', ')}`);
    process.exitCode = 1;
  }
} catch (error) {
  logger.fatal({ err: error }, 'sync failed');
  process.exitCode = 1;
} finally {
  await directory?.close();
  await database.close();
}
