/** Snapshots of a source without operator codes: a rename keeps the carrier id, a sale is a change of holder, older snapshots refused. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../../test/support/database.js';
import type { Database } from '../../../platform/db.js';
import { createLogger } from '../../../platform/logger.js';
import { createSubgraph } from '../../subgraph.js';
import { allocations } from '../index.js';
import type { AllocationsTables } from '../tables.js';
import { DATA_DIR, importNumberingPlan } from './importer.js';
import { detectRenames, similarNames, type BlockFacts } from './renames.js';

const logger = createLogger({ LOG_LEVEL: 'silent' });
const SOURCE = 'ofcom-s5';

describe('snapshots of a source without operator codes (Ofcom S5)', () => {
  let database: Database;
  let db: Kysely<AllocationsTables>;
  let dir: string;
  const s5 = () => join(dir, 'ofcom', 'S5.csv');
  const importS5 = () => importNumberingPlan(db, { dataDir: dir, logger, only: [SOURCE] });
  const holders = async () =>
    db.selectFrom('blocks').leftJoin('carriers', 'carriers.id', 'blocks.carrier_id').select(['blocks.prefix', 'blocks.carrier_id', 'carriers.name']).where('source_id', '=', SOURCE).orderBy('prefix').execute();
  let original: Awaited<ReturnType<typeof holders>>;

  beforeAll(async () => {
    database = await freshDatabase();
    const subgraph = createSubgraph(allocations, database, logger);
    await subgraph.migrate();
    db = subgraph.db;
    dir = mkdtempSync(join(tmpdir(), 'numbergraph-snapshots-'));
    cpSync(join(DATA_DIR, 'ofcom'), join(dir, 'ofcom'), { recursive: true });
    await importS5();
    original = await holders();
    // The next snapshot: Network Rail writes its legal form "Ltd" (a rename, nothing else
    // changes); Magrathea's blocks pass to a company of another name (a sale).
    writeFileSync(
      s5(),
      readFileSync(s5(), 'utf8').replaceAll('Network Rail Infrastructure Limited', 'Network Rail Infrastructure Ltd').replaceAll('Magrathea Telecommunications Limited', 'Acme Numbers Limited'),
    );
    writeFileSync(join(dir, 'ofcom', 'SNAPSHOT'), '2025-10-01\n');
    await importS5();
  });
  afterAll(async () => {
    await database?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the carrier id of a holder renamed with every fact of its blocks unchanged, under its new name, with no change recorded', async () => {
    const rail = (await holders()).filter((b) => b.name === 'Network Rail Infrastructure Ltd');
    expect(rail).toHaveLength(original.filter((b) => b.name === 'Network Rail Infrastructure Limited').length);
    expect(new Set(rail.map((b) => b.carrier_id))).toEqual(new Set(['gb:network-rail-infrastructure-limited']));
    const history = await db.selectFrom('block_history').select('block_id').where('holder_after', '=', 'Network Rail Infrastructure Ltd').execute();
    expect(history).toEqual([]);
  });

  it('records a sale to a company of another name as a change of holder, with a carrier of its own', async () => {
    const acme = (await holders()).filter((b) => b.name === 'Acme Numbers Limited');
    expect(acme.length).toBe(original.filter((b) => b.name === 'Magrathea Telecommunications Limited').length);
    expect(new Set(acme.map((b) => b.carrier_id))).toEqual(new Set(['gb:acme-numbers-limited']));
    const changes = await db.selectFrom('block_history').select(['change', 'holder_before', 'holder_after', 'snapshot_before', 'snapshot_after']).where('holder_after', '=', 'Acme Numbers Limited').execute();
    expect(changes).toHaveLength(acme.length);
    expect(changes[0]).toEqual({ change: 'CHANGED', holder_before: 'Magrathea Telecommunications Limited', holder_after: 'Acme Numbers Limited', snapshot_before: '2025-09-13', snapshot_after: '2025-10-01' });
  });

  it('refuses an older snapshot over the newer one loaded, naming both dates, and keeps the newer', async () => {
    const loaded = await holders();
    const historyRows = async () => Number((await db.selectFrom('block_history').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const recorded = await historyRows();
    writeFileSync(s5(), readFileSync(join(DATA_DIR, 'ofcom', 'S5.csv')));
    writeFileSync(join(dir, 'ofcom', 'SNAPSHOT'), '2025-09-13\n');
    const report = await importS5();
    expect(report.changed).toBe(false);
    expect(report.sources[0]).toMatchObject({ source: SOURCE, outcome: 'refused', refusal: expect.stringMatching(/snapshot of 2025-09-13, older than the snapshot of 2025-10-01 already loaded/) });
    expect(await holders()).toEqual(loaded);
    expect(await historyRows()).toBe(recorded);
    const source = await db.selectFrom('sources').select('snapshot_date').where('id', '=', SOURCE).executeTakeFirstOrThrow();
    expect(source.snapshot_date).toBe('2025-10-01');
  });
});

describe('telling a rename from a change of holder', () => {
  const facts = (holder: string | null, extra: Partial<BlockFacts> = {}): BlockFacts => ({ holder, hasCode: false, status: 'Allocated', allocatedOn: '2010-01-01', numberLength: 10, ...extra });

  it('calls names alike when their words (legal form aside) are one\'s within the other\'s, or mostly shared', () => {
    expect(similarNames('Hutchison 3G UK Ltd', 'Hutchison 3G UK Limited')).toBe(true);
    expect(similarNames('Vodafone Ltd (C&W)', 'Vodafone Limited')).toBe(true);
    expect(similarNames('Telet Research (N.I.) Limited', 'Telet Research (NI) Limited')).toBe(true);
    expect(similarNames('Magrathea Telecommunications Limited', 'Acme Numbers Limited')).toBe(false);
    expect(similarNames('Telefonica UK Limited', 'Virgin Media O2 Limited')).toBe(false);
  });

  it('needs every surviving block of the old name to pass, unchanged, to one new name', () => {
    const before = new Map([
      ['441', facts('Hutchison 3G UK Ltd')],
      ['442', facts('Hutchison 3G UK Ltd')],
    ]);
    expect(detectRenames(before, new Map([['441', facts('Hutchison 3G UK Limited')], ['442', facts('Hutchison 3G UK Limited')]]))).toEqual(new Map([['Hutchison 3G UK Limited', 'Hutchison 3G UK Ltd']]));
    // one block changed status on the way: not the same holding, so no rename
    expect(detectRenames(before, new Map([['441', facts('Hutchison 3G UK Limited')], ['442', facts('Hutchison 3G UK Limited', { status: 'Quarantined' })]])).size).toBe(0);
    // the blocks went to two names: a split, no rename
    expect(detectRenames(before, new Map([['441', facts('Hutchison 3G UK Limited')], ['442', facts('Hutchison 3G Limited')]])).size).toBe(0);
    // the old name lives on in the new snapshot: the new name is another holder
    expect(detectRenames(before, new Map([['441', facts('Hutchison 3G UK Limited')], ['442', facts('Hutchison 3G UK Ltd')]])).size).toBe(0);
  });
});
