/** Telling a holder renamed between two snapshots of a source without operator codes from a change of holder. */
import { holderNameKey } from '../../../providers/carrier-id.js';

/** What a snapshot says of one block, for telling a renamed holder from a new one. */
export interface BlockFacts {
  /** The holder's name; null for a block without one. */
  holder: string | null;
  /** Whether the source knows the holder by an operator code (then a rename keeps it anyway). */
  hasCode: boolean;
  status: string | null;
  allocatedOn: string | null;
  numberLength: number | null;
}

/** Two names close enough to be one company's: same words (legal form aside), one's words all in the other's, or most words shared. */
export function similarNames(a: string, b: string): boolean {
  const wordsA = new Set(holderNameKey(a).split(' ').filter(Boolean));
  const wordsB = new Set(holderNameKey(b).split(' ').filter(Boolean));
  if (wordsA.size === 0 || wordsB.size === 0) return false;
  const shared = [...wordsA].filter((w) => wordsB.has(w)).length;
  if (shared === Math.min(wordsA.size, wordsB.size)) return true;
  return (2 * shared) / (wordsA.size + wordsB.size) >= 0.6;
}

/**
 * Holders a source without operator codes renamed between two snapshots (new name → old name).
 * A name counts as a rename of an old one when:
 * - the old name is gone from the new snapshot and the new name was not in the old one;
 * - every block the old name held that is still there passed to the new name, with its other
 *   facts (status, allocation date, number length) unchanged;
 * - the names are similar (`similarNames`): a sale to another company passes blocks too, but
 *   under a name of its own.
 * Anything less is a change of holder, recorded as such.
 */
export function detectRenames(before: Map<string, BlockFacts>, after: Map<string, BlockFacts>): Map<string, string> {
  const namesBefore = new Set<string>();
  const namesAfter = new Set<string>();
  for (const facts of before.values()) if (facts.holder && !facts.hasCode) namesBefore.add(facts.holder);
  for (const facts of after.values()) if (facts.holder) namesAfter.add(facts.holder);
  /** old name → the new names its surviving blocks went to, or null once one went elsewhere. */
  const successors = new Map<string, Set<string> | null>();
  for (const [prefix, was] of before) {
    if (!was.holder || was.hasCode || namesAfter.has(was.holder)) continue;
    const now = after.get(prefix);
    if (!now) continue;
    const same = now.holder !== null && !now.hasCode && !namesBefore.has(now.holder) && now.status === was.status && now.allocatedOn === was.allocatedOn && now.numberLength === was.numberLength;
    const seen = successors.get(was.holder);
    if (!same || seen === null) successors.set(was.holder, null);
    else successors.set(was.holder, (seen ?? new Set()).add(now.holder!));
  }
  const renames = new Map<string, string>();
  const claimed = new Map<string, number>();
  for (const [oldName, names] of successors) {
    if (names?.size !== 1) continue;
    const newName = [...names][0]!;
    if (!similarNames(oldName, newName)) continue;
    renames.set(newName, oldName);
    claimed.set(newName, (claimed.get(newName) ?? 0) + 1);
  }
  // two old holders merging under one new name is no rename of either
  for (const [newName, count] of claimed) if (count > 1) renames.delete(newName);
  return renames;
}
