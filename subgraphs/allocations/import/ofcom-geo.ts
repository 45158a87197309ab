/** The Ofcom S1 geographic source (01/02 blocks): holders matched to the other Ofcom tables, Not allocated runs merged into parents. */
import { join } from 'node:path';
import { holderNameKey } from '../../../providers/carrier-id.js';
import { authorityIdForCountry } from '../numbering/authorities.js';
import { countryOfPrefix } from '../numbering/e164.js';
import { CorruptFileError, readCsv } from './csv.js';
import { PRECEDENCE, readSnapshotFile, withSnapshotFile, type Source, type SourceBlock } from './source.js';

const FOLDER = 'ofcom-geo';
/** Kept gzipped: 9 MB of CSV is 1 MB zipped (data/ofcom-geo/README.md). */
export const S1_FILE = `${FOLDER}/S1-geographic.csv.gz`;
const S1_HEADER = ['Number Block', 'Status', 'CP Name', 'Format'];
/** Ofcom's other tables, whose holders S1's are matched to by name. */
export const OFCOM_TABLE_FILES = ['S3', 'S5', 'S7', 'S8', 'S9'].map((table) => `ofcom/${table}.csv`);

/**
 * The holders Ofcom's other tables name, by `holderNameKey`: S1 (2023) and S3-S9 (2025) spell
 * one company differently ("Ltd" and "Limited", capitals), and one company is one carrier. The
 * first spelling in table order wins, so the id is stable.
 */
export async function ofcomHolderNames(dataDir: string): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const file of OFCOM_TABLE_FILES) {
    let header = true;
    for await (const { fields } of readCsv(join(dataDir, file))) {
      if (header) {
        header = false;
        continue;
      }
      const name = fields[2]?.trim();
      if (!name) continue;
      const key = holderNameKey(name);
      if (key && !names.has(key)) names.set(key, name);
    }
  }
  return names;
}

/**
 * Ofcom's S1 (geographic numbers, 01 and 02), as Number::Phone compiled it on 2023-03-01:
 * block, Allocated or Not allocated, holder and number format. No allocation dates, and every
 * block without a holder is "Not allocated" (Ofcom's finer statuses are not in that data).
 */
export const ofcomGeoSource: Source = {
  id: 'ofcom-s1',
  title: 'Ofcom S1: geographic numbers (01, 02)',
  note: "Compiled from Ofcom's S1 as of 2023-03-01 (Number::Phone 3.9001): older than the other Ofcom tables; no allocation dates, and a block without a holder is only \"Not allocated\".",
  kind: 'AUTHORITY_FILE',
  precedence: PRECEDENCE.AUTHORITY_FILE,
  // The other tables' holder names decide S1's carrier ids: they are part of its fingerprint.
  files: (dataDir) => [...withSnapshotFile(dataDir, FOLDER, [S1_FILE]), ...OFCOM_TABLE_FILES],
  snapshotDate: (dataDir) => readSnapshotFile(dataDir, FOLDER),
  async *records(dataDir) {
    const holders = await ofcomHolderNames(dataDir);
    const blocks: S1Block[] = [];
    let seenHeader = false;
    for await (const { line, fields } of readCsv(join(dataDir, S1_FILE))) {
      if (!seenHeader) {
        if (fields.join(',') !== S1_HEADER.join(',')) throw new CorruptFileError(`${S1_FILE}:${line}: expected the header "${S1_HEADER.join(',')}"`);
        seenHeader = true;
        continue;
      }
      const parsed = parseS1Row(fields, holders);
      if (typeof parsed === 'string') yield { kind: 'malformed', file: S1_FILE, line, reason: parsed };
      else blocks.push({ block: parsed, line, areaDigits: areaDigitsOf(fields[3] ?? '') });
    }
    const merged = mergeUnallocated(blocks);
    const kept = new Set(merged.map((b) => b.line));
    for (const { line } of blocks) if (!kept.has(line)) yield { kind: 'merged', file: S1_FILE, line };
    for (const { block, line } of merged) yield { kind: 'block', file: S1_FILE, line, block };
  },
};

/** An S1 block with the digits of its area code (from its format, 3 in "3+7"). */
export interface S1Block {
  block: SourceBlock;
  line: number;
  areaDigits: number;
}

/** The area code's digits of an S1 format ("3+7": 3); 5, the longest, where Number::Phone records none ("0+10"). */
export function areaDigitsOf(format: string): number {
  const digits = Number(/^(\d)\+/.exec(format.trim())?.[1] ?? 0);
  return digits > 0 ? digits : 5;
}

/**
 * Ten sibling blocks that are all Not allocated, of one format, are their parent block (again
 * and again upwards, never above their area code, so that a number's block still names its
 * area): the same numbers, none of them allocated, in one row instead of ten. S1 lists
 * unallocated space block by block (two thirds of its 291,878 rows). A number answers exactly
 * as before (no holder, Not allocated, its area). A merged block keeps the line of its first row.
 */
export function mergeUnallocated(blocks: S1Block[]): S1Block[] {
  const byPrefix = new Map(blocks.map((b) => [b.block.prefix, b]));
  const mergeable = (b: S1Block | undefined) => b !== undefined && b.block.status === 'Not allocated';
  // longest prefixes first, so that merged parents can merge again
  const longest = blocks.reduce((max, b) => Math.max(max, b.block.prefix.length), 0);
  for (let length = longest; length > 4; length--) {
    const parents = new Set([...byPrefix.keys()].filter((p) => p.length === length).map((p) => p.slice(0, -1)));
    for (const parent of parents) {
      if (byPrefix.has(parent)) continue;
      const children = Array.from({ length: 10 }, (_, digit) => byPrefix.get(`${parent}${digit}`));
      if (!children.every(mergeable) || new Set(children.map((c) => `${c!.block.numberLength} ${c!.areaDigits}`)).size !== 1) continue;
      // a parent shorter than the area code (after 44) would merge across areas
      if (parent.length - 2 < children[0]!.areaDigits) continue;
      const first = children.reduce((a, b) => (b!.line < a!.line ? b : a))!;
      for (let digit = 0; digit < 10; digit++) byPrefix.delete(`${parent}${digit}`);
      byPrefix.set(parent, { ...first, block: { ...first.block, prefix: parent } });
    }
  }
  return [...byPrefix.values()].sort((a, b) => a.line - b.line);
}

/** An S1 row as a block (its holder under the name Ofcom's other tables give it), or why it is malformed. */
export function parseS1Row(fields: string[], holders: Map<string, string>): SourceBlock | string {
  if (fields.length !== S1_HEADER.length) return `expected ${S1_HEADER.length} fields, found ${fields.length}`;
  const [numberBlock = '', status = '', cpName = '', format = ''] = fields.map((f) => f.trim());
  if (!/^[12]\d{2,8}$/.test(numberBlock)) return `number block "${numberBlock}" is not 01/02 digits`;
  if (status !== 'Allocated' && status !== 'Not allocated') return `status "${status}" is neither Allocated nor Not allocated`;
  if ((status === 'Allocated') !== (cpName !== '')) return status === 'Allocated' ? 'an Allocated block names no holder' : 'a Not allocated block names a holder';
  const digits = /^(\d)\+(\d+)(?:\/\d+)?$/.exec(format);
  if (!digits) return `format "${format}" is not "<area code digits>+<local digits>"`;
  // "4+5/6": both lengths occur in the block, so none is the block's.
  const numberLength = format.includes('/') ? null : Number(digits[1]) + Number(digits[2]);
  const prefix = `44${numberBlock}`;
  // The country of the block's area (+44 and four digits: 1481 is Guernsey, 1534 Jersey, 1624
  // the Isle of Man): libphonenumber's patterns leave parts of those areas out, and a block
  // there that no pattern takes whole is still the island's, not Great Britain's.
  const country = countryOfPrefix(prefix.slice(0, 6));
  return {
    prefix,
    // Guernsey, Jersey and the Isle of Man are numbered in S1 too, under Ofcom.
    country,
    authorityId: authorityIdForCountry('GB'),
    status,
    allocatedOn: null,
    region: null,
    numberLength,
    carrier: cpName ? { name: holders.get(holderNameKey(cpName)) ?? cpName, ocn: null, operatorCode: null } : null,
  };
}
