/** The numbering plan importer: each source in one transaction, unchanged files skipped, malformed lines reported, history recorded. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import type { Logger } from '../../../platform/logger.js';
import { allAuthorities, NUMBERED_IN } from '../numbering/authorities.js';
import type { AllocationsTables } from '../tables.js';
import { readHoldings, recordHistory, type HistoryCounts, type Holding } from './history.js';
import { detectRenames, type BlockFacts } from './renames.js';
import { SOURCES, type Source, type SourceBlock } from './sources.js';
import { CarrierIds, insertBlocks } from './writer.js';

/** Bumped when parsing changes, so that unchanged files are imported again all the same. */
const IMPORTER_VERSION = '3';
const BATCH_SIZE = 5_000;
const PROGRESS_EVERY = 10_000;
/** How many malformed lines a report lists in full; all of them are counted and logged. */
const MALFORMED_LISTED = 50;

export interface MalformedLine {
  file: string;
  line: number;
  reason: string;
}

export interface SourceReport {
  source: string;
  /** refused: the files are an older snapshot than the one loaded (see `refusal`); the loaded data stays. */
  outcome: 'imported' | 'unchanged' | 'refused';
  /** Why the source was refused, naming both snapshot dates. */
  refusal?: string;
  rowsRead: number;
  blocksLoaded: number;
  rowsSkipped: number;
  /** Well-formed rows that are no E.164 range (national short numbers): counted, not loaded. */
  rowsOutside: number;
  /** Rows folded into a parent block with their siblings (Ofcom S1's Not allocated runs); only where a source merges. */
  rowsMerged?: number;
  malformed: MalformedLine[];
  /** What changed since the previous snapshot of the source; null on its first import. */
  history: HistoryCounts | null;
}

export interface ImportReport {
  authoritiesChanged: number;
  sources: SourceReport[];
  /** False when the run changed nothing at all. */
  changed: boolean;
}

/** The numbering-plan files the project ships (data/ at the project root). */
export const DATA_DIR = fileURLToPath(new URL('../../../data/', import.meta.url));

export interface ImportOptions {
  /** Where the source files are; default DATA_DIR. */
  dataDir?: string;
  logger: Logger;
  /** Only these source ids (default: all). */
  only?: string[];
}

/**
 * Loads the numbering plan from the files under `dataDir`. Each source loads in one
 * transaction: a failure leaves the data the previous run loaded whole. A source whose files
 * have not changed since it was loaded is skipped, so a second run changes nothing.
 */
export async function importNumberingPlan(db: Kysely<AllocationsTables>, options: ImportOptions): Promise<ImportReport> {
  const { logger } = options;
  const dataDir = options.dataDir ?? DATA_DIR;
  const unknown = options.only?.filter((id) => !SOURCES.some((s) => s.id === id)) ?? [];
  if (unknown.length > 0) {
    throw new Error(`unknown source ${unknown.join(', ')}; sources are ${SOURCES.map((s) => s.id).join(', ')}`);
  }
  const selected = options.only ? SOURCES.filter((s) => options.only?.includes(s.id)) : SOURCES;
  const authoritiesChanged = await upsertAuthorities(db);
  if (authoritiesChanged > 0) logger.info({ authorities: authoritiesChanged }, 'authorities updated');
  const reports: SourceReport[] = [];
  for (const source of selected) reports.push(await importSource(db, source, dataDir, logger));
  const authoritiesRemoved = await removeRetiredAuthorities(db);
  const changed = authoritiesChanged > 0 || authoritiesRemoved > 0 || reports.some((r) => r.outcome === 'imported');
  // Fresh statistics keep the planner on the prefix index for batched lookups (PGlite runs
  // no autovacuum, so without this it would guess and scan).
  if (changed) await sql`analyze allocations.authorities, allocations.carriers, allocations.blocks`.execute(db);
  const totals = {
    imported: reports.filter((r) => r.outcome === 'imported').length,
    unchanged: reports.filter((r) => r.outcome === 'unchanged').length,
    refused: reports.filter((r) => r.outcome === 'refused').length,
    skippedLines: reports.reduce((sum, r) => sum + r.rowsSkipped, 0),
  };
  logger.info(totals, changed ? 'numbering plan imported' : 'numbering plan already up to date: nothing changed');
  return { authoritiesChanged, sources: reports, changed };
}

async function upsertAuthorities(db: Kysely<AllocationsTables>): Promise<number> {
  const wanted = allAuthorities();
  const existing = new Map((await db.selectFrom('authorities').selectAll().execute()).map((a) => [a.id, a]));
  const changed = wanted.filter((a) => {
    const row = existing.get(a.id);
    return !row || row.name !== a.name || row.full_name !== a.full_name || row.country !== a.country || row.oversight !== a.oversight || row.known !== a.known;
  });
  if (changed.length === 0) return 0;
  await db
    .insertInto('authorities')
    .values(changed)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        full_name: eb.ref('excluded.full_name'),
        country: eb.ref('excluded.country'),
        oversight: eb.ref('excluded.oversight'),
        known: eb.ref('excluded.known'),
      })),
    )
    .execute();
  return changed.length;
}

/**
 * What a block's derived fields depend on besides its file: the authority table and
 * libphonenumber's metadata (countries of shared calling codes). A change to either re-imports.
 */
const DERIVATION = createHash('sha256')
  .update(`importer ${IMPORTER_VERSION}\n`)
  .update(`libphonenumber-js ${(createRequire(import.meta.url)('libphonenumber-js/package.json') as { version: string }).version}\n`)
  // blocks and carriers keep only an authority's id: its name may change without a re-import
  .update(JSON.stringify(allAuthorities().map((a) => [a.country, a.id])))
  .update(JSON.stringify(NUMBERED_IN))
  .digest('hex');

/** Authorities the table no longer lists go once no block or carrier names them. */
async function removeRetiredAuthorities(db: Kysely<AllocationsTables>): Promise<number> {
  const wanted = allAuthorities().map((a) => a.id);
  const result = await db
    .deleteFrom('authorities')
    .where('id', 'not in', wanted)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('blocks').select('blocks.id').whereRef('blocks.authority_id', '=', 'authorities.id'))))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('carriers').select('carriers.id').whereRef('carriers.authority_id', '=', 'authorities.id'))))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

function fingerprint(source: Source, dataDir: string): { files: string[]; sha256: string } {
  const files = source.files(dataDir);
  const hash = createHash('sha256').update(`${DERIVATION}\n`);
  for (const file of files) hash.update(`${file}\n`).update(readFileSync(join(dataDir, file)));
  return { files, sha256: hash.digest('hex') };
}

async function importSource(db: Kysely<AllocationsTables>, source: Source, dataDir: string, logger: Logger): Promise<SourceReport> {
  const { files, sha256 } = fingerprint(source, dataDir);
  const previous = await db.selectFrom('sources').select(['sha256', 'blocks_loaded', 'snapshot_date']).where('id', '=', source.id).executeTakeFirst();
  const report: SourceReport = { source: source.id, outcome: 'unchanged', rowsRead: 0, blocksLoaded: 0, rowsSkipped: 0, rowsOutside: 0, malformed: [], history: null };
  if (previous?.sha256 === sha256) {
    logger.info({ source: source.id, blocks: previous.blocks_loaded }, 'source unchanged, skipped');
    return report;
  }
  const snapshotDate = await source.snapshotDate(dataDir);
  // History runs forwards only: an older snapshot over a newer one would record every change
  // backwards (what appeared as withdrawn). ISO dates compare as strings.
  if (previous?.snapshot_date && snapshotDate && snapshotDate < previous.snapshot_date) {
    report.outcome = 'refused';
    report.refusal = `${source.id}: the files are the snapshot of ${snapshotDate}, older than the snapshot of ${previous.snapshot_date} already loaded; kept ${previous.snapshot_date} (import a snapshot of ${previous.snapshot_date} or later)`;
    logger.error({ source: source.id, snapshot: snapshotDate, loaded: previous.snapshot_date }, report.refusal);
    return report;
  }
  report.outcome = 'imported';
  const started = Date.now();
  logger.info({ source: source.id, files: files.length, snapshot: snapshotDate }, `importing ${source.title}`);

  // The whole snapshot first (a rename is told from the whole of it), then one transaction.
  const rows: { block: SourceBlock; line: number }[] = [];
  const prefixes = new Set<string>();
  for await (const record of source.records(dataDir)) {
    report.rowsRead += 1;
    if (record.kind === 'outside') {
      report.rowsOutside += 1;
    } else if (record.kind === 'merged') {
      report.rowsMerged = (report.rowsMerged ?? 0) + 1;
    } else if (record.kind === 'malformed') {
      skip(report, logger, record);
    } else if (prefixes.has(record.block.prefix)) {
      skip(report, logger, { file: record.file, line: record.line, reason: `prefix ${record.block.prefix} appears twice in this source` });
    } else {
      prefixes.add(record.block.prefix);
      rows.push({ block: record.block, line: record.line });
    }
    if (report.rowsRead % PROGRESS_EVERY === 0) logger.info({ source: source.id, rows: report.rowsRead }, 'import progress');
  }

  await db.transaction().execute(async (trx) => {
    const summary = { title: source.title, files: files.join(' '), sha256: '', rows_read: 0, blocks_loaded: 0, rows_skipped: 0, kind: source.kind };
    await trx
      .insertInto('sources')
      .values({ id: source.id, ...summary, snapshot_date: snapshotDate })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    // What the previous snapshot said, to record what the new one changes.
    const before = previous ? await readHoldings(trx, source.id) : null;
    const renames = before ? detectRenames(before, new Map(rows.map(({ block }) => [block.prefix, factsOf(block)]))) : new Map<string, string>();
    const keptIds = new Map<string, string>();
    for (const loaded of before?.values() ?? []) {
      if (!loaded.holder || !loaded.carrierId) continue;
      for (const [newName, oldName] of renames) if (loaded.holder === oldName) keptIds.set(`${loaded.country ?? ''}|${newName}`, loaded.carrierId);
    }
    for (const [newName, oldName] of renames) logger.info({ source: source.id, was: oldName, now: newName }, 'holder renamed: keeps its carrier id');
    await trx.deleteFrom('blocks').where('source_id', '=', source.id).execute();

    const after = new Map<string, Holding>();
    for (const { block } of rows) {
      const { carrier } = block;
      // a renamed holder is the holder it was: no change of holder in the history
      const holderKey = carrier ? (carrier.operatorCode ?? renames.get(carrier.name) ?? carrier.name) : null;
      after.set(block.prefix, { holderKey, holder: carrier?.name ?? null, status: block.status });
    }
    const carriers = new CarrierIds(keptIds);
    for (let i = 0; i < rows.length; i += BATCH_SIZE) report.blocksLoaded += await insertBlocks(trx, source, rows.slice(i, i + BATCH_SIZE), carriers);
    if (before) report.history = await recordHistory(trx, { id: source.id, snapshotBefore: previous?.snapshot_date ?? null, snapshotAfter: snapshotDate }, before, after);

    // Carriers live on through other sources' blocks; only those no block names go.
    await trx
      .deleteFrom('carriers')
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('blocks').select('blocks.id').whereRef('blocks.carrier_id', '=', 'carriers.id'))),
      )
      .execute();
    // How many blocks the source gives each country, for the plan's coverage.
    await trx.deleteFrom('source_countries').where('source_id', '=', source.id).execute();
    await trx
      .insertInto('source_countries')
      .columns(['source_id', 'country', 'blocks'])
      .expression((eb) =>
        eb
          .selectFrom('blocks')
          .select((b) => ['source_id', 'country', b.fn.countAll<number>().as('blocks')])
          .where('source_id', '=', source.id)
          .where('country', 'is not', null)
          .groupBy(['source_id', 'country']),
      )
      .execute();
    await trx
      .updateTable('sources')
      .set({ ...summary, sha256, snapshot_date: snapshotDate, rows_read: report.rowsRead, blocks_loaded: report.blocksLoaded, rows_skipped: report.rowsSkipped, imported_at: new Date() })
      .where('id', '=', source.id)
      .execute();
  });
  logger.info(
    { source: source.id, rows: report.rowsRead, blocks: report.blocksLoaded, skipped: report.rowsSkipped, outside: report.rowsOutside, history: report.history, ms: Date.now() - started },
    'source imported',
  );
  return report;
}

function factsOf(block: SourceBlock): BlockFacts {
  const { carrier } = block;
  return { holder: carrier?.name ?? null, hasCode: !!(carrier?.operatorCode ?? carrier?.ocn), status: block.status, allocatedOn: block.allocatedOn, numberLength: block.numberLength };
}

function skip(report: SourceReport, logger: Logger, malformed: MalformedLine): void {
  report.rowsSkipped += 1;
  if (report.malformed.length < MALFORMED_LISTED) report.malformed.push({ file: malformed.file, line: malformed.line, reason: malformed.reason });
  logger.warn({ file: malformed.file, line: malformed.line, reason: malformed.reason }, 'malformed line skipped');
}
