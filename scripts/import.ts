/**
 * `npm run import`: loads the numbering plan from data/ into the allocations schema of
 * DATABASE_URL (or the embedded PGlite under .data/). Shows progress, skips sources whose files
 * have not changed, reports malformed lines with file and line.
 *
 *   npm run import -- [--only ofcom-s7,cna-co-codes] [--data-dir path]
 */
import { parseArgs } from 'node:util';
import { importNumberingPlan } from '../subgraphs/allocations/import/importer.js';
import { SOURCES } from '../subgraphs/allocations/import/sources.js';
import { allocations } from '../subgraphs/allocations/index.js';
import { databaseTargetFromEnv, openDatabase } from '../subgraphs/shared/db.js';
import { processLogger } from '../subgraphs/shared/logger.js';
import { createSubgraph } from '../subgraphs/shared/subgraph.js';
import { pgliteDirFromEnv } from '../src/embedded.js';

const logger = processLogger();
const { values } = parseArgs({ options: { only: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean' } } });
if (values.help) {
  console.log(`usage: npm run import -- [--only <source,...>] [--data-dir <path>]\nsources: ${SOURCES.map((s) => s.id).join(', ')}`);
  process.exit(0);
}

const pgliteDir = pgliteDirFromEnv(process.env);
const database = await openDatabase(databaseTargetFromEnv(process.env, 'allocations', pgliteDir), logger);
logger.info({ database: database.description }, 'importing the numbering plan');
try {
  const subgraph = createSubgraph(allocations, database, logger);
  await subgraph.migrate();
  const report = await importNumberingPlan(subgraph.db, {
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    logger,
    ...(values.only ? { only: values.only.split(',').map((s) => s.trim()) } : {}),
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
    console.log(line);
    for (const bad of source.malformed) console.log(`  ${bad.file}:${bad.line}: ${bad.reason}`);
  }
  if (report.sources.some((s) => s.outcome === 'refused')) process.exitCode = 1;
  console.log(report.changed ? 'numbering plan imported' : 'nothing changed: the numbering plan was already up to date');
} catch (error) {
  logger.fatal({ err: error }, 'import failed; the data loaded before stays as it was');
  process.exitCode = 1;
} finally {
  await database.close();
}
