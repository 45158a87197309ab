/** Block history across snapshots of a source: what appeared, was withdrawn, or changed holder or status; a rename is no change. */
import type { Transaction } from 'kysely';
import type { AllocationsTables, NewBlockHistory } from '../tables.js';
import type { BlockFacts } from './renames.js';

/** Who holds a block and in what status, as one snapshot of its source says. */
export interface Holding {
  /** The holder's operator code where the source has one, else its name: what a rename keeps. */
  holderKey: string | null;
  holder: string | null;
  status: string | null;
}

export interface HistoryCounts {
  appeared: number;
  withdrawn: number;
  changed: number;
}

const BATCH_SIZE = 1_000;

/**
 * Whether a block's holding changed between two snapshots. The holder changed when both its key
 * and its name did: same operator code under a new name is a rename, and the same name under a
 * newly known code (a database imported before operator codes were kept) is the same holder.
 */
export function holdingChanged(was: Holding, now: Holding): boolean {
  return (was.holderKey !== now.holderKey && was.holder !== now.holder) || was.status !== now.status;
}

/** A block as the loaded snapshot holds it: its holding, the facts a rename keeps, its carrier row. */
export interface LoadedBlock extends Holding, BlockFacts {
  carrierId: string | null;
  country: string | null;
}

/** Every block of a source with its holder, before the source is replaced. */
export async function readHoldings(trx: Transaction<AllocationsTables>, sourceId: string): Promise<Map<string, LoadedBlock>> {
  const rows = await trx
    .selectFrom('blocks')
    .leftJoin('carriers', 'carriers.id', 'blocks.carrier_id')
    .select(['blocks.prefix', 'blocks.status', 'blocks.allocated_on', 'blocks.number_length', 'blocks.carrier_id', 'blocks.country', 'carriers.name', 'carriers.operator_code'])
    .where('blocks.source_id', '=', sourceId)
    .execute();
  return new Map(
    rows.map((r) => [
      r.prefix,
      {
        holderKey: r.operator_code ?? r.name,
        holder: r.name,
        status: r.status,
        hasCode: r.operator_code !== null,
        allocatedOn: r.allocated_on,
        numberLength: r.number_length,
        carrierId: r.carrier_id,
        country: r.country,
      },
    ]),
  );
}

/**
 * Records what changed between two snapshots of a source: blocks that appeared, were
 * withdrawn, or changed holder or status. A renamed holder (same operator code) is no change.
 */
export async function recordHistory(
  trx: Transaction<AllocationsTables>,
  source: { id: string; snapshotBefore: string | null; snapshotAfter: string | null },
  before: Map<string, Holding>,
  after: Map<string, Holding>,
): Promise<HistoryCounts> {
  const counts: HistoryCounts = { appeared: 0, withdrawn: 0, changed: 0 };
  const rows: NewBlockHistory[] = [];
  const entry = (prefix: string, change: string, was: Holding | undefined, now: Holding | undefined): NewBlockHistory => ({
    block_id: `${source.id}:${prefix}`,
    source_id: source.id,
    prefix,
    change,
    holder_before: was?.holder ?? null,
    holder_after: now?.holder ?? null,
    status_before: was?.status ?? null,
    status_after: now?.status ?? null,
    snapshot_before: source.snapshotBefore,
    snapshot_after: source.snapshotAfter,
  });
  for (const [prefix, now] of after) {
    const was = before.get(prefix);
    if (!was) {
      counts.appeared += 1;
      rows.push(entry(prefix, 'APPEARED', undefined, now));
    } else if (holdingChanged(was, now)) {
      counts.changed += 1;
      rows.push(entry(prefix, 'CHANGED', was, now));
    }
  }
  for (const [prefix, was] of before) {
    if (after.has(prefix)) continue;
    counts.withdrawn += 1;
    rows.push(entry(prefix, 'WITHDRAWN', was, undefined));
  }
  for (let i = 0; i < rows.length; i += BATCH_SIZE) await trx.insertInto('block_history').values(rows.slice(i, i + BATCH_SIZE)).execute();
  return counts;
}
