/**
 * `npm run import`: loads the numbering plan from data/ into the allocations schema of
 * DATABASE_URL (or the embedded PGlite under .data/). Shows progress, skips sources whose files
 * have not changed, reports malformed lines with file and line.
 *
 *   npm run import -- [--only ofcom-s7,cna-co-codes] [--data-dir path]
 */
import { importNumberingPlan } from '../subgraphs/allocations/import/importer.js';
import { SOURCES } from '../subgraphs/allocations/import/sources.js';
import { allocations } from '../subgraphs/allocations/index.js';
import { databaseTargetFromEnv, openDatabase } from '../platform/db.js';
import { createLogger } from '../platform/logger.js';
import { createSubgraph } from '../subgraphs/subgraph.js';
import { pgliteDirFromEnv } from '../src/pglite-dir.js';
import { defineCommand, parseCommandLine, runAsMain, UsageError } from './cli.js';

const HELP = `Usage: npm run import -- [--only <source,...>] [--data-dir <path>]

Loads the numbering plan from data/ (or --data-dir) into the allocations schema of
ALLOCATIONS_DATABASE_URL, else DATABASE_URL, else the embedded PGlite under PGLITE_DIR. Sources
whose files have not changed are skipped; malformed lines are reported with file and line.
Sources: ${SOURCES.map((s) => s.id).join(', ')}.
`;

/** `npm run import` in-process: its exit code (1 when a source was refused). */
export const run = defineCommand('import', async (argv, env, io) => {
  const { values, positionals } = parseCommandLine(argv, { only: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`import takes no arguments, got "${positionals.join(' ')}"`);
  const only = values.only?.split(',').map((s) => s.trim());
  const logger = createLogger(env);
  const database = await openDatabase(databaseTargetFromEnv(env, 'allocations', pgliteDirFromEnv(env)), logger);
  logger.info({ database: database.description }, 'importing the numbering plan');
  try {
    const subgraph = createSubgraph(allocations, database, logger);
    await subgraph.migrate();
    const report = await importNumberingPlan(subgraph.db, {
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      logger,
      ...(only ? { only } : {}),
    });
    for (const source of report.sources) {
      const line =
        source.outcome === 'unchanged'
          ? `${source.source}: unchanged`
          : source.outcome === 'refused'
            ? `${source.source}: refused: ${source.refusal}`
            : [
              `${source.source}: ${source.blocksLoaded} blocks from ${source.rowsRead} rows, ${source.rowsSkipped} malformed skipped`,
              source.rowsOutside > 0 ? `, ${source.rowsOutside} short numbers (no E.164 range) not loaded` : '',
              source.rowsMerged ? `, ${source.rowsMerged} Not allocated rows merged into their parent blocks` : '',
              source.history ? `; since the previous snapshot: ${source.history.appeared} appeared, ${source.history.withdrawn} withdrawn, ${source.history.changed} changed` : '',
            ].join('');
      io.stdout(`${line}\n`);
      for (const bad of source.malformed) io.stdout(`  ${bad.file}:${bad.line}: ${bad.reason}\n`);
    }
    io.stdout(report.changed ? 'numbering plan imported\n' : 'nothing changed: the numbering plan was already up to date\n');
    return report.sources.some((s) => s.outcome === 'refused') ? 1 : 0;
  } catch (error) {
    throw new Error(`import failed; the data loaded before stays as it was: ${(error as Error).message}`, { cause: error });
  } finally {
    await database.close();
  }
});

runAsMain(import.meta.url, run);
