/**
 * `npm run sync`: reads every provider's feed once into the inventory catalogue of
 * INVENTORY_DATABASE_URL / DATABASE_URL (or the embedded PGlite under .data/), from where the
 * last sync stopped. Providers come from PROVIDERS_URL (default http://127.0.0.1:4010, where
 * `npm run simulator` listens). Stop `npm start` first when syncing into the embedded PGlite.
 */
import { ProviderDirectory } from '../providers/client/index.js';
import { inventory } from '../subgraphs/inventory/index.js';
import { syncCatalogue } from '../subgraphs/inventory/workers/sync.js';
import { upstreamFromDirectory } from '../subgraphs/inventory/upstream/upstream.js';
import { redact } from '../platform/config.js';
import { readSettings } from '../platform/settings-schema.js';
import { databaseTargetFromEnv, openDatabase } from '../platform/db.js';
import { createLogger } from '../platform/logger.js';
import { createSubgraph } from '../subgraphs/subgraph.js';
import { pgliteDirFromEnv } from '../src/pglite-dir.js';
import { defineCommand, parseCommandLine, runAsMain, UsageError } from './cli.js';

const HELP = `Usage: [PROVIDERS_URL=http://127.0.0.1:4010] npm run sync

Reads every provider's feed once into the inventory catalogue of INVENTORY_DATABASE_URL, else
DATABASE_URL, else the embedded PGlite under PGLITE_DIR (stop \`npm start\` first), from where
the last sync stopped. PROVIDERS_URL: a provider directory (default http://127.0.0.1:4010, where
\`npm run simulator\` listens). Exit code 1 when a provider could not be synced.
`;

/** `npm run sync` in-process: its exit code. */
export const run = defineCommand('sync', async (argv, env, io) => {
  const { values, positionals } = parseCommandLine(argv, { help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`sync takes no arguments, got "${positionals.join(' ')}"`);
  const logger = createLogger(env);
  // where `npm run simulator` listens, unless PROVIDERS_URL says otherwise
  const providersUrl = readSettings(env, ['PROVIDERS_URL']).PROVIDERS_URL ?? 'http://127.0.0.1:4010';
  const database = await openDatabase(databaseTargetFromEnv(env, 'inventory', pgliteDirFromEnv(env)), logger);
  let directory: ProviderDirectory | null = null;
  try {
    const subgraph = createSubgraph(inventory, database, logger);
    await subgraph.migrate();
    directory = await ProviderDirectory.discover(providersUrl);
    logger.info({ providers: directory.entries.length, url: redact(providersUrl), database: database.description }, 'syncing the catalogue');
    const report = await syncCatalogue(subgraph.db, upstreamFromDirectory(directory), logger, { shared: database.target.kind === 'postgres' });
    io.stdout(
      `synced ${report.providers} providers: ${report.items} feed items, ${report.numbersAdded} numbers added, ${report.numbersChanged} changed, ${report.numbersWithdrawn} withdrawn, ${report.reservationsExpired} reservations expired${report.skipped.length > 0 ? `, ${report.skipped.length} providers skipped (another instance was syncing them)` : ''}\n`,
    );
    if (report.failed.length > 0) {
      io.stdout(`not synced (retried next time): ${report.failed.join(', ')}\n`);
      return 1;
    }
    return 0;
  } finally {
    await directory?.close();
    await database.close();
  }
});

runAsMain(import.meta.url, run);
