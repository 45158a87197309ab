/** What a numbering plan source is: its blocks and records, kind and precedence, files, and the snapshot date it publishes. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptFileError } from './csv.js';

/** A block as a source file describes it, before it gets ids. */
export interface SourceBlock {
  prefix: string;
  country: string | null;
  authorityId: string;
  status: string | null;
  allocatedOn: string | null;
  region: string | null;
  numberLength: number | null;
  /**
   * The holder as the source names it. `ocn`: its North American OCN; `operatorCode`: the code
   * its authority knows it by (the OCN, ARCEP's operator code), which survives a rename.
   */
  carrier: { name: string; ocn: string | null; operatorCode: string | null } | null;
}

export type SourceRecord =
  | { kind: 'block'; file: string; line: number; block: SourceBlock }
  | { kind: 'malformed'; file: string; line: number; reason: string }
  /** A well-formed row that is no E.164 range (a national short number): counted, not loaded. */
  | { kind: 'outside'; file: string; line: number }
  /** A row folded into a parent block with it (Ofcom S1's Not allocated runs): counted, not loaded on its own. */
  | { kind: 'merged'; file: string; line: number };

/** How much a source says of a range: the authority's own file names holders; places say only where. */
export type SourceKind = 'AUTHORITY_FILE' | 'CARRIER_PREFIXES' | 'GEOGRAPHY';

export interface Source {
  id: string;
  title: string;
  /** What a reader of the plan should know of the source's data (its age, what it lacks); shown in numberingPlan. */
  note?: string;
  kind: SourceKind;
  /** Lower wins where blocks of several sources cover one number. */
  precedence: number;
  /** Paths relative to the data folder, in a stable order. */
  files(dataDir: string): string[];
  /** The date of the published snapshot the files are (YYYY-MM-DD); null where it is not known. */
  snapshotDate(dataDir: string): Promise<string | null>;
  records(dataDir: string): AsyncGenerator<SourceRecord>;
}

/** Authority files win over libphonenumber's compiled ranges; places say only where, not who. */
export const PRECEDENCE: Record<SourceKind, number> = { AUTHORITY_FILE: 0, CARRIER_PREFIXES: 1, GEOGRAPHY: 2 };

/** `<folder>/SNAPSHOT`: one line, the ISO date of the published snapshot the folder holds. */
export const snapshotFile = (folder: string) => `${folder}/SNAPSHOT`;

/** The SNAPSHOT file of a folder among its files, when there is one (it is part of the fingerprint). */
export function withSnapshotFile(dataDir: string, folder: string, files: string[]): string[] {
  return existsSync(join(dataDir, snapshotFile(folder))) ? [...files, snapshotFile(folder)] : files;
}

export async function readSnapshotFile(dataDir: string, folder: string): Promise<string | null> {
  const path = snapshotFile(folder);
  if (!existsSync(join(dataDir, path))) return null;
  const text = readFileSync(join(dataDir, path), 'utf8').trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    throw new CorruptFileError(`${path}:1: expected the snapshot's date as YYYY-MM-DD, found "${text}"`);
  }
  return text;
}

/** `22/07/2009` → `2009-07-22` (Ofcom's and ARCEP's dd/mm/yyyy); undefined when it is not a real calendar date. */
export function ukDateToIso(text: string): string | undefined {
  const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (!match) return undefined;
  const [, dd, mm, yyyy] = match;
  const iso = `${yyyy}-${mm}-${dd}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso) ? iso : undefined;
}

