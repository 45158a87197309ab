/** Importing the real plan files (Ofcom, CNA, libphonenumber, MAJNUM) row for row, idempotent reruns, and damaged files reported or rolled back. */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../../test/support/database.js';
import type { Database } from '../../../platform/db.js';
import { createLogger } from '../../../platform/logger.js';
import { createSubgraph } from '../../subgraph.js';
import { allocations } from '../index.js';
import { prefixesOf } from '../numbering/e164.js';
import { anyOf } from '../repository.js';
import type { AllocationsTables } from '../tables.js';
import { DATA_DIR, importNumberingPlan, type ImportReport } from './importer.js';

const DATA = DATA_DIR;
const logger = createLogger({ LOG_LEVEL: 'silent' });

async function planDatabase(): Promise<{ database: Database; db: Kysely<AllocationsTables> }> {
  const database = await freshDatabase();
  const subgraph = createSubgraph(allocations, database, logger);
  await subgraph.migrate();
  return { database, db: subgraph.db };
}

const lines = (file: string) => readFileSync(join(DATA, file), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
/** Rows of a source file counted the plain way, independently of the importer's parser. */
const ofcomRows = (table: string) => lines(`ofcom/${table}.csv`).slice(1);
const prefixRows = (kind: string) =>
  readdirSync(join(DATA, 'libphonenumber', kind)).flatMap((f) => lines(`libphonenumber/${kind}/${f}`).filter((l) => !l.trim().startsWith('#')));

const countBlocks = async (db: Kysely<AllocationsTables>, source: string, status?: string) => {
  let query = db.selectFrom('blocks').select((eb) => eb.fn.countAll<number>().as('n')).where('source_id', '=', source);
  if (status) query = query.where('status', '=', status);
  return Number((await query.executeTakeFirstOrThrow()).n);
};

describe('importing the real files', () => {
  let database: Database;
  let db: Kysely<AllocationsTables>;
  let first: ImportReport;

  beforeAll(async () => {
    ({ database, db } = await planDatabase());
    first = await importNumberingPlan(db, { dataDir: DATA, logger });
  });
  afterAll(async () => {
    await database?.close();
  });

  it.each(['S3', 'S5', 'S7', 'S8', 'S9'])('loads every row of Ofcom %s, its Allocated rows as Allocated', async (table) => {
    const source = `ofcom-${table.toLowerCase()}`;
    const rows = ofcomRows(table);
    expect(first.sources.find((s) => s.source === source)).toEqual({ source, outcome: 'imported', rowsRead: rows.length, blocksLoaded: rows.length, rowsSkipped: 0, rowsOutside: 0, malformed: [], history: null });
    expect(await countBlocks(db, source)).toBe(rows.length);
    const allocated = rows.filter((row) => row.split(',')[1] === 'Allocated').length;
    expect(allocated).toBeGreaterThan(0);
    expect(await countBlocks(db, source, 'Allocated')).toBe(allocated);
  });

  it('loads every CO code of the CNA report, its In Service codes as In Service', async () => {
    const rows = lines('cnac/COCodeStatus_ALL.csv').slice(2);
    expect(first.sources.find((s) => s.source === 'cna-co-codes')).toEqual({ source: 'cna-co-codes', outcome: 'imported', rowsRead: rows.length, blocksLoaded: rows.length, rowsSkipped: 0, rowsOutside: 0, malformed: [], history: null });
    expect(await countBlocks(db, 'cna-co-codes')).toBe(rows.length);
    const inService = rows.filter((row) => /^\d{3},\d{3},"In Service"/.test(row)).length;
    expect(inService).toBeGreaterThan(27_000);
    expect(await countBlocks(db, 'cna-co-codes', 'In Service')).toBe(inService);
  });

  it("loads every row of Ofcom S1 (gzipped), Allocated with S1's holders matched by name to the other Ofcom tables, Not allocated with none", async () => {
    const rows = gunzipSync(readFileSync(join(DATA, 'ofcom-geo', 'S1-geographic.csv.gz'))).toString('utf8').split(/\r?\n/).slice(1).filter((l) => l !== '');
    expect(rows.length).toBe(291_878);
    const report = first.sources.find((s) => s.source === 'ofcom-s1')!;
    // runs of ten Not allocated siblings load as their parent block: fewer blocks, the same numbers
    expect(report).toMatchObject({ outcome: 'imported', rowsRead: rows.length, rowsSkipped: 0, rowsOutside: 0, malformed: [] });
    expect(report.blocksLoaded + report.rowsMerged!).toBe(rows.length);
    expect(report.blocksLoaded).toBeLessThan(rows.length * 0.6);
    expect(await countBlocks(db, 'ofcom-s1')).toBe(report.blocksLoaded);
    expect(await countBlocks(db, 'ofcom-s1', 'Allocated')).toBe(rows.filter((r) => r.split(',')[1] === 'Allocated').length);
    const notAllocated = await db.selectFrom('blocks').select((eb) => eb.fn.countAll<number>().as('n')).where('source_id', '=', 'ofcom-s1').where('status', '=', 'Not allocated').where('carrier_id', 'is not', null).executeTakeFirstOrThrow();
    expect(Number(notAllocated.n)).toBe(0);
    // "Gamma Telecom Holdings Ltd" in S1 is S7's "Gamma Telecom Holdings Limited": one carrier
    const leeds = await db.selectFrom('blocks').selectAll().where('id', '=', 'ofcom-s1:44113322').executeTakeFirstOrThrow();
    expect(leeds).toMatchObject({ prefix: '44113322', country: 'GB', authority_id: 'ofcom', carrier_id: 'gb:gamma-telecom-holdings-limited', status: 'Allocated', allocated_on: null, number_length: 10, precedence: 0 });
    expect(await db.selectFrom('carriers').select('id').where('id', 'like', 'gb:gamma-telecom-holdings-lt%').execute()).toEqual([]);
    // Guernsey's, Jersey's and the Isle of Man's geographic blocks: their own country, under Ofcom
    const crown = await db.selectFrom('blocks').select(['prefix', 'country', 'authority_id']).where('source_id', '=', 'ofcom-s1').where('country', 'in', ['GG', 'JE', 'IM']).execute();
    expect(crown.length).toBeGreaterThan(100);
    for (const block of crown) expect(block.prefix, block.country!).toMatch({ GG: /^441481/, JE: /^441534/, IM: /^441624/ }[block.country as 'GG' | 'JE' | 'IM']);
    expect(new Set(crown.map((b) => b.authority_id))).toEqual(new Set(['ofcom']));
  });

  it.each(['carrier', 'geocoding'])('loads every libphonenumber %s range', async (kind) => {
    const rows = prefixRows(kind).length;
    expect(first.sources.find((s) => s.source === `libphonenumber-${kind}`)).toEqual({ source: `libphonenumber-${kind}`, outcome: 'imported', rowsRead: rows, blocksLoaded: rows, rowsSkipped: 0, rowsOutside: 0, malformed: [], history: null });
    expect(await countBlocks(db, `libphonenumber-${kind}`)).toBe(rows);
  });

  it('keeps the source status, the ISO date and the carrier as published', async () => {
    const row = await db.selectFrom('blocks').innerJoin('carriers', 'carriers.id', 'blocks.carrier_id').selectAll('blocks').select('carriers.name').where('blocks.id', '=', 'ofcom-s7:4474001').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ prefix: '4474001', status: 'Allocated', allocated_on: '2009-07-22', name: 'Hutchison 3G UK Ltd', number_length: 10, line: 4093 });
    const cna = await db.selectFrom('carriers').selectAll().where('id', '=', 'ca:bell-canada:8051').executeTakeFirstOrThrow();
    expect(cna).toMatchObject({ name: 'Bell Canada', ocn: '8051', country: 'CA', authority_id: 'cna' });
  });

  it('serves the longest-prefix lookup from the prefix index, not a scan of the plan', async () => {
    // a batch, as the per-request loader sends it: every prefix of several numbers at once
    const prefixes = ['447400123456', '14162015555', '4920112345678', '4915112345678', '447700900123', '12015550123', '33612345678', '819012345678'].flatMap(prefixesOf);
    const query = db.selectFrom('blocks').selectAll().where('prefix', '=', anyOf(prefixes)).compile();
    expect(query.parameters).toHaveLength(1);
    const plan = await sql.raw<{ 'QUERY PLAN': string }>(`explain ${query.sql.replace('$1', `'{${prefixes.join(',')}}'`)}`).execute(db);
    const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toContain('blocks_prefix');
    expect(text).not.toMatch(/Seq Scan/);
  });

  it("keeps the Crown Dependencies' Ofcom ranges under Ofcom, in their own country, with one carrier id", async () => {
    const jersey = await db.selectFrom('blocks').selectAll().where('id', '=', 'ofcom-s7:4477003').executeTakeFirstOrThrow();
    expect(jersey).toMatchObject({ country: 'JE', authority_id: 'ofcom', carrier_id: 'je:sure-jersey-limited' });
    expect(await db.selectFrom('carriers').selectAll().where('id', '=', 'je:sure-jersey-limited').executeTakeFirstOrThrow()).toMatchObject({ country: 'JE', authority_id: 'ofcom' });
  });

  it('loads every E.164 range of ARCEP MAJNUM and counts its national short numbers apart', async () => {
    const rows = readFileSync(join(DATA, 'arcep', 'MAJNUM.csv'), 'latin1').split(/\r?\n/).slice(1).filter((l) => l.trim() !== '');
    const ranges = rows.filter((row) => row.startsWith('0')).length;
    expect(ranges).toBeGreaterThan(18_000);
    expect(first.sources.find((s) => s.source === 'arcep-majnum')).toEqual({
      source: 'arcep-majnum', outcome: 'imported', rowsRead: rows.length, blocksLoaded: ranges, rowsSkipped: 0, rowsOutside: rows.length - ranges, malformed: [], history: null,
    });
    const sources = await db.selectFrom('sources').select(['id', 'snapshot_date', 'kind']).where('id', 'in', ['arcep-majnum', 'cna-co-codes', 'ofcom-s7']).orderBy('id').execute();
    expect(sources).toEqual([
      { id: 'arcep-majnum', snapshot_date: '2025-07-02', kind: 'AUTHORITY_FILE' },
      { id: 'cna-co-codes', snapshot_date: '2024-10-10', kind: 'AUTHORITY_FILE' },
      { id: 'ofcom-s7', snapshot_date: '2025-09-13', kind: 'AUTHORITY_FILE' },
    ]);
  });

  it('changes nothing on a second run, and says so', async () => {
    const before = await db.selectFrom('sources').select(['id', 'imported_at', 'blocks_loaded']).orderBy('id').execute();
    const second = await importNumberingPlan(db, { dataDir: DATA, logger });
    expect(second.changed).toBe(false);
    expect(second.authoritiesChanged).toBe(0);
    expect(second.sources.every((s) => s.outcome === 'unchanged')).toBe(true);
    expect(await db.selectFrom('sources').select(['id', 'imported_at', 'blocks_loaded']).orderBy('id').execute()).toEqual(before);
  });
});

describe('importing a damaged file', () => {
  let database: Database;
  let db: Kysely<AllocationsTables>;
  let dir: string;
  const s7 = () => join(dir, 'ofcom', 'S7.csv');
  const original = readFileSync(join(DATA, 'ofcom', 'S7.csv'), 'utf8');
  const originalRows = ofcomRows('S7').length;
  const importS7 = () => importNumberingPlan(db, { dataDir: dir, logger, only: ['ofcom-s7'] });

  beforeAll(async () => {
    ({ database, db } = await planDatabase());
    dir = mkdtempSync(join(tmpdir(), 'numbergraph-import-'));
    mkdirSync(join(dir, 'ofcom'));
    copyFileSync(join(DATA, 'ofcom', 'S7.csv'), s7());
  });
  afterAll(async () => {
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports each malformed line with file and line, counts it, skips it and loads the rest', async () => {
    const rows = original.split('\r\n');
    // lines 3, 5 and 7 of the file become malformed; the rest stays as Ofcom published it
    rows.splice(2, 0, '7ABC 0,Allocated,Nobody Ltd,10 digit numbers,01/01/2001');
    rows.splice(4, 0, '7999 1,Allocated,Nobody Ltd,10 digit numbers,31/02/2001');
    rows.splice(6, 0, '7999 2,Allocated');
    writeFileSync(s7(), rows.join('\r\n'));
    const report = await importS7();
    const source = report.sources[0]!;
    expect(source).toMatchObject({ outcome: 'imported', rowsRead: originalRows + 3, rowsSkipped: 3, blocksLoaded: originalRows, history: null });
    expect(source.malformed).toEqual([
      { file: 'ofcom/S7.csv', line: 3, reason: 'number block "7ABC 0" is not digits' },
      { file: 'ofcom/S7.csv', line: 5, reason: 'allocation date "31/02/2001" is not a dd/mm/yyyy date' },
      { file: 'ofcom/S7.csv', line: 7, reason: 'expected 5 fields, found 2' },
    ]);
    expect(await countBlocks(db, 'ofcom-s7')).toBe(originalRows);
  });

  it('leaves the previous data whole when a file breaks off mid-way', async () => {
    writeFileSync(s7(), original);
    await importS7();
    const before = await db.selectFrom('sources').selectAll().where('id', '=', 'ofcom-s7').executeTakeFirstOrThrow();
    // The first half of the file (its blocks already inserted), then a quote never closed.
    const half = original.split('\r\n').slice(0, 5000).join('\r\n');
    writeFileSync(s7(), `${half}\r\n7999 9,Allocated,"Broken Ltd,10 digit numbers,01/01/2001\r\n`);
    await expect(importS7()).rejects.toThrow(/quoted field never closed/);
    expect(await countBlocks(db, 'ofcom-s7')).toBe(originalRows);
    expect(await db.selectFrom('sources').selectAll().where('id', '=', 'ofcom-s7').executeTakeFirstOrThrow()).toEqual(before);
  });

  it('replaces the blocks of a source whose file changed', async () => {
    const rows = original.split('\r\n').filter((row) => !row.startsWith('7400 1,'));
    writeFileSync(s7(), rows.map((row) => (row.startsWith('7400 2,') ? row.replace(',Allocated,', ',Quarantined,') : row)).join('\r\n'));
    const report = await importS7();
    expect(report.changed).toBe(true);
    expect(report.sources[0]?.history).toEqual({ appeared: 0, withdrawn: 1, changed: 1 });
    const history = await db.selectFrom('block_history').select(['block_id', 'change', 'holder_before', 'holder_after', 'status_before', 'status_after']).orderBy('block_id').execute();
    expect(history).toEqual([
      { block_id: 'ofcom-s7:4474001', change: 'WITHDRAWN', holder_before: 'Hutchison 3G UK Ltd', holder_after: null, status_before: 'Allocated', status_after: null },
      { block_id: 'ofcom-s7:4474002', change: 'CHANGED', holder_before: 'Hutchison 3G UK Ltd', holder_after: 'Hutchison 3G UK Ltd', status_before: 'Allocated', status_after: 'Quarantined' },
    ]);
    expect(await countBlocks(db, 'ofcom-s7')).toBe(originalRows - 1);
    expect(await db.selectFrom('blocks').select('id').where('id', '=', 'ofcom-s7:4474001').executeTakeFirst()).toBeUndefined();
  });
});
