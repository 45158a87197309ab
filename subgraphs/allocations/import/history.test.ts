/** Importing a newer ARCEP snapshot: each change of holder or status recorded with both dates, renames kept, history served by the subgraph. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphql } from 'graphql';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../../test/support/database.js';
import type { Database } from '../../../platform/db.js';
import { DEVELOPMENT_ANALYST } from '../../../contracts/identity.js';
import { createLogger } from '../../../platform/logger.js';
import { createSubgraph, type SubgraphOn } from '../../subgraph.js';
import { allocations } from '../index.js';
import type { AllocationsTables } from '../tables.js';
import { holdingChanged } from './history.js';
import { DATA_DIR, importNumberingPlan, type SourceReport } from './importer.js';

const logger = createLogger({ LOG_LEVEL: 'silent' });
const SOURCE = 'arcep-majnum';

/**
 * A newer snapshot of ARCEP's files, made here from the real ones: range 0612 passes from SFR
 * to Orange, range 069000 is withdrawn, range 0939990 appears, and Orange's legal name changes.
 */
function alteredSnapshot(dir: string): { added: string } {
  const majnum = join(dir, 'arcep', 'MAJNUM.csv');
  const rows = readFileSync(majnum, 'latin1').split('\n');
  const added = '0939990;0939990000;0939990999;FRTE;Métropole;01/10/2025';
  expect(rows.some((row) => row.startsWith('0939990;'))).toBe(false);
  const altered = rows
    .filter((row) => !row.startsWith('069000;'))
    .map((row) => (row.startsWith('0612;') ? row.replace(';SFR0;', ';FRTE;') : row));
  // the new range goes last, so that every other row keeps its line
  const last = altered.at(-1) === '' ? altered.length - 1 : altered.length;
  altered.splice(last, 0, added);
  writeFileSync(majnum, altered.join('\n'), 'latin1');
  const directory = join(dir, 'arcep', 'identifiants_CE.csv');
  writeFileSync(directory, readFileSync(directory, 'latin1').replace('\nOrange;FRTE;', '\n"Orange SA";FRTE;'), 'latin1');
  writeFileSync(join(dir, 'arcep', 'SNAPSHOT'), '2025-10-01\n');
  return { added };
}

describe('importing a newer snapshot of a source', () => {
  let database: Database;
  let subgraph: SubgraphOn<object, AllocationsTables>;
  let db: Kysely<AllocationsTables>;
  let dir: string;
  let report: SourceReport;
  /** The blocks of the source, without their file line (a withdrawn row moves the rows after it up one). */
  const blocks = async () =>
    (await db.selectFrom('blocks').selectAll().where('source_id', '=', SOURCE).orderBy('id').execute()).map(({ line: _line, ...block }) => block);
  let before: Awaited<ReturnType<typeof blocks>>;
  let carriersBefore: { id: string; name: string }[];

  beforeAll(async () => {
    database = await freshDatabase();
    subgraph = createSubgraph(allocations, database, logger);
    await subgraph.migrate();
    db = subgraph.db;
    await importNumberingPlan(db, { dataDir: DATA_DIR, logger, only: [SOURCE] });
    before = await blocks();
    carriersBefore = await db.selectFrom('carriers').select(['id', 'name']).orderBy('id').execute();
    dir = mkdtempSync(join(tmpdir(), 'numbergraph-history-'));
    cpSync(join(DATA_DIR, 'arcep'), join(dir, 'arcep'), { recursive: true });
    alteredSnapshot(dir);
    report = (await importNumberingPlan(db, { dataDir: dir, logger, only: [SOURCE] })).sources[0]!;
  });
  afterAll(async () => {
    await database?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('records each change with what it was, what it became and the two snapshot dates', async () => {
    expect(report.history).toEqual({ appeared: 1, withdrawn: 1, changed: 1 });
    const history = await db
      .selectFrom('block_history')
      .select(['block_id', 'change', 'holder_before', 'holder_after', 'status_before', 'status_after', 'snapshot_before', 'snapshot_after'])
      .orderBy('block_id')
      .execute();
    const dates = { snapshot_before: '2025-07-02', snapshot_after: '2025-10-01', status_before: null, status_after: null };
    expect(history).toEqual([
      { block_id: 'arcep-majnum:33612', change: 'CHANGED', holder_before: 'Société française du radiotéléphone', holder_after: 'Orange SA', ...dates },
      { block_id: 'arcep-majnum:33939990', change: 'APPEARED', holder_before: null, holder_after: 'Orange SA', ...dates },
      { block_id: 'arcep-majnum:59069000', change: 'WITHDRAWN', holder_before: 'Outremer Telecom', holder_after: null, ...dates },
    ]);
  });

  it('changes nothing else: every other block is as it was', async () => {
    const changed = new Set(['arcep-majnum:33612', 'arcep-majnum:33939990', 'arcep-majnum:59069000']);
    const after = await blocks();
    expect(after.filter((b) => !changed.has(b.id))).toEqual(before.filter((b) => !changed.has(b.id)));
    expect(after.find((b) => b.id === 'arcep-majnum:33612')).toEqual({ ...before.find((b) => b.id === 'arcep-majnum:33612'), carrier_id: 'fr:orange:frte' });
  });

  it('renames a carrier the source renames, keeping its id, and duplicates none', async () => {
    const carriers = await db.selectFrom('carriers').select(['id', 'name']).orderBy('id').execute();
    // Orange holds ranges in France and overseas: one carrier per country, each renamed
    const renamed = (c: { id: string; name: string }) => (c.id.endsWith(':orange:frte') ? { ...c, name: 'Orange SA' } : c);
    expect(carriersBefore.filter((c) => c.id.endsWith(':orange:frte')).length).toBeGreaterThan(1);
    expect(carriers).toEqual(carriersBefore.map(renamed));
  });

  it('answers Block.history, blockHistory and Carrier.blocks through the subgraph after the re-import', async () => {
    const result = await graphql({
      schema: subgraph.schema,
      source: `{
        block(id: "arcep-majnum:33612") { carrier { id name operatorCode } history { totalCount edges { node { change holderBefore holderAfter snapshotBefore snapshotAfter } } } }
        blockHistory(id: "arcep-majnum:59069000") { edges { node { change holderBefore holderAfter } } }
        carrier(id: "fr:orange:frte") { name blocks(first: 1) { totalCount } }
      }`,
      contextValue: subgraph.createContext({ identity: DEVELOPMENT_ANALYST, requestId: 'test' }),
    });
    expect(result.errors).toBeUndefined();
    const orangeInFrance = (await db.selectFrom('blocks').select('id').where('carrier_id', '=', 'fr:orange:frte').execute()).length;
    expect(result.data).toEqual({
      block: {
        carrier: { id: 'fr:orange:frte', name: 'Orange SA', operatorCode: 'FRTE' },
        history: { totalCount: 1, edges: [{ node: { change: 'CHANGED', holderBefore: 'Société française du radiotéléphone', holderAfter: 'Orange SA', snapshotBefore: '2025-07-02', snapshotAfter: '2025-10-01' } }] },
      },
      blockHistory: { edges: [{ node: { change: 'WITHDRAWN', holderBefore: 'Outremer Telecom', holderAfter: null } }] },
      carrier: { name: 'Orange SA', blocks: { totalCount: orangeInFrance } },
    });
    expect(orangeInFrance).toBeGreaterThan(100);
  });

  it('records nothing more when the same snapshot is imported again', async () => {
    const again = await importNumberingPlan(db, { dataDir: dir, logger, only: [SOURCE] });
    expect(again.changed).toBe(false);
    expect(Number((await db.selectFrom('block_history').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBe(3);
  });
});

describe('what counts as a change of holding', () => {
  const sfr = { holderKey: 'SFR0', holder: 'Société française du radiotéléphone', status: null };
  it('is a new holder, or a new status', () => {
    expect(holdingChanged(sfr, { holderKey: 'FRTE', holder: 'Orange', status: null })).toBe(true);
    expect(holdingChanged(sfr, { ...sfr, status: 'Quarantined' })).toBe(true);
    expect(holdingChanged(sfr, sfr)).toBe(false);
  });

  it('is not a rename (same code), nor a code newly known for the same name (a database imported before codes were kept)', () => {
    expect(holdingChanged(sfr, { ...sfr, holder: 'SFR SA' })).toBe(false);
    const bell = { holderKey: 'Bell Canada', holder: 'Bell Canada', status: 'In Service' };
    expect(holdingChanged(bell, { ...bell, holderKey: '8051' })).toBe(false);
  });
});
