/** Readers of the real allocated ranges in data/ (Ofcom, CNA, ARCEP, libphonenumber) that generated stock sits in, by longest prefix. */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { carrierId, holderNameKey } from '../carrier-id.js';

/**
 * The real allocated ranges the generated stock sits in, read straight from the project's
 * `data/` files (never from the allocations database: providers are outside the graph). Each
 * range carries its holder with the carrier id the allocations importer gives it, so a
 * provider can declare the carrier as the numbering plan names it.
 */
export const PROJECT_DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

export interface Carrier {
  /** `carrierId(country, name, ocn)`, as the allocations importer computes it. */
  id: string;
  name: string;
  ocn: string | null;
}

/** One entry of a source file: a block prefix (E.164 digits) and who holds it, if anyone. */
export interface RangeEntry {
  prefix: string;
  holder: Carrier | null;
  /** Length of the national number, where the source says it. */
  nationalLength: number | null;
  region: string | null;
  areaCode: string | null;
  /** Whether new stock may be drawn from it (allocated / in service, with a holder). */
  inUse: boolean;
  /** The file it comes from, relative to the data folder (for tests and explanations). */
  file: string;
}

/**
 * The entries of one source that cover one plan, found by longest prefix, the way the
 * allocations subgraph chooses a number's block within a source.
 */
export class RangeIndex {
  private readonly byPrefix = new Map<string, RangeEntry>();
  private maxLength = 0;

  add(entry: RangeEntry): void {
    this.byPrefix.set(entry.prefix, entry);
    this.maxLength = Math.max(this.maxLength, entry.prefix.length);
  }

  /** The entry with the longest prefix that the digits start with. */
  covering(digits: string): RangeEntry | null {
    for (let length = Math.min(this.maxLength, digits.length); length >= 1; length--) {
      const entry = this.byPrefix.get(digits.slice(0, length));
      if (entry) return entry;
    }
    return null;
  }

  entries(): RangeEntry[] {
    return [...this.byPrefix.values()];
  }
}

function readRows(file: string, options: { delimiter?: string; encoding?: BufferEncoding } = {}): string[][] {
  return parse(readFileSync(file, options.encoding ?? 'utf8'), { relax_column_count: true, skip_empty_lines: true, delimiter: options.delimiter ?? ',' }) as string[][];
}

const UK_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;

/** Ofcom tables (S3, S5, S7, S8, S9): the holder is the CP name, country GB (as the importer). */
export function readOfcom(dataDir: string, tables: readonly string[]): RangeIndex {
  const index = new RangeIndex();
  for (const table of tables) {
    const file = `ofcom/${table}.csv`;
    const [header, ...rows] = readRows(join(dataDir, file));
    if (!header?.[0]?.startsWith('NMS Number Block')) throw new Error(`${file}: not an Ofcom allocation table`);
    for (const row of rows) {
      if (row.length !== header.length) continue;
      const [block = '', status = '', cpName = '', length = '', date = ''] = row.map((f) => f.trim());
      if (!/^\d+( \d+)*$/.test(block) || !status) continue;
      const lengthMatch = /^(\d+) digit numbers$/.exec(length);
      if (length !== '' && !lengthMatch) continue;
      if (date !== '' && !UK_DATE.test(date)) continue;
      const holder = cpName ? { id: carrierId('GB', cpName, null), name: cpName, ocn: null } : null;
      index.add({
        prefix: `44${block.replace(/ /g, '')}`,
        holder,
        nationalLength: lengthMatch ? Number(lengthMatch[1]) : null,
        region: null,
        areaCode: null,
        inUse: status === 'Allocated' && holder !== null && lengthMatch !== null,
        file,
      });
    }
  }
  return index;
}

/**
 * Ofcom's holders by `holderNameKey`, first spelling in table order (S3, S5, S7, S8, S9): the
 * name the importer gives an S1 holder that the other tables spell differently.
 */
function ofcomHolderNames(dataDir: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const table of ['S3', 'S5', 'S7', 'S8', 'S9']) {
    for (const row of readRows(join(dataDir, `ofcom/${table}.csv`)).slice(1)) {
      const name = row[2]?.trim();
      const key = name ? holderNameKey(name) : '';
      if (name && key && !names.has(key)) names.set(key, name);
    }
  }
  return names;
}

/**
 * Ofcom S1 (geographic 01/02, gzipped): the holder under the name the other Ofcom tables give
 * it (as the importer matches them), the national length from the block's format (3+7: ten
 * digits). Only the blocks under `prefixes`.
 */
export function readOfcomGeo(dataDir: string, prefixes: readonly string[]): RangeIndex {
  const file = 'ofcom-geo/S1-geographic.csv.gz';
  const names = ofcomHolderNames(dataDir);
  const [header, ...rows] = parse(gunzipSync(readFileSync(join(dataDir, file))).toString('utf8'), { relax_column_count: true, skip_empty_lines: true }) as string[][];
  if (header?.[0] !== 'Number Block') throw new Error(`${file}: not Ofcom's S1`);
  const index = new RangeIndex();
  for (const row of rows) {
    const [block = '', status = '', cpName = '', format = ''] = row.map((f) => f.trim());
    const prefix = `44${block}`;
    const digits = /^(\d)\+(\d+)$/.exec(format);
    if (!/^\d+$/.test(block) || !prefixes.some((p) => prefix.startsWith(p))) continue;
    const name = cpName ? (names.get(holderNameKey(cpName)) ?? cpName) : null;
    index.add({
      prefix,
      holder: name ? { id: carrierId('GB', name, null), name, ocn: null } : null,
      nationalLength: digits ? Number(digits[1]) + Number(digits[2]) : null,
      region: null,
      areaCode: prefix.slice(2, prefix.startsWith('442') ? 4 : 5),
      inUse: status === 'Allocated' && name !== null && digits !== null,
      file,
    });
  }
  return index;
}

/** CNA CO codes (Canada): the holder is the company and its OCN, country CA (as the importer). */
export function readCna(dataDir: string): RangeIndex {
  const file = 'cnac/COCodeStatus_ALL.csv';
  const index = new RangeIndex();
  const [header, ...rows] = readRows(join(dataDir, file));
  if (header?.[0] !== 'NPA') throw new Error(`${file}: not the CNA CO code report`);
  for (const row of rows) {
    if (row.length !== header.length) continue;
    const [npa = '', nxx = '', status = '', exchange = '', province = '', company = '', ocn = ''] = row.map((f) => f.trim());
    if (!/^\d{3}$/.test(npa) || !/^\d{3}$/.test(nxx) || !status) continue;
    const holder = company ? { id: carrierId('CA', company, ocn || null), name: company, ocn: ocn || null } : null;
    index.add({
      prefix: `1${npa}${nxx}`,
      holder,
      nationalLength: 10,
      region: exchange ? [exchange, province].filter(Boolean).join(', ') : null,
      areaCode: npa,
      inUse: status === 'In Service' && holder !== null,
      file,
    });
  }
  return index;
}

const ARCEP_CSV = { delimiter: ';', encoding: 'latin1' } as const;

/**
 * ARCEP's MAJNUM, metropolitan ranges under the given national prefixes (e.g. 06, 07): the
 * holder is the operator's legal name from ARCEP's directory and its operator code, country
 * FR (as the importer computes it), the national number nine digits after the trunk 0.
 */
export function readArcep(dataDir: string, nationalPrefixes: readonly string[]): RangeIndex {
  const names = new Map<string, string>();
  const [directoryHeader, ...operators] = readRows(join(dataDir, 'arcep/identifiants_CE.csv'), ARCEP_CSV);
  if (directoryHeader?.[1] !== 'CODE_OPERATEUR') throw new Error('arcep/identifiants_CE.csv: not ARCEP\'s operator directory');
  for (const [name = '', code = ''] of operators.map((row) => row.map((f) => f.trim()))) if (name && code) names.set(code, name);
  const file = 'arcep/MAJNUM.csv';
  const [header, ...rows] = readRows(join(dataDir, file), ARCEP_CSV);
  if (header?.[0] !== 'EZABPQM') throw new Error(`${file}: not ARCEP's MAJNUM`);
  const index = new RangeIndex();
  for (const row of rows) {
    const [ezabpqm = '', first = '', , code = '', territory = ''] = row.map((f) => f.trim());
    const name = names.get(code);
    if (territory !== 'Métropole' || !name || !nationalPrefixes.some((p) => ezabpqm.startsWith(p)) || !/^\d+$/.test(first)) continue;
    index.add({
      prefix: `33${ezabpqm.slice(1)}`,
      holder: { id: carrierId('FR', name, code), name, ocn: null },
      nationalLength: first.length - 1,
      region: null,
      areaCode: null,
      inUse: true,
      file,
    });
  }
  return index;
}

function readPrefixFile(path: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const bar = line.indexOf('|');
    const prefix = line.slice(0, bar).trim();
    const value = line.slice(bar + 1).trim();
    if (bar > 0 && /^\d{1,15}$/.test(prefix) && value) pairs.push([prefix, value]);
  }
  return pairs;
}

/**
 * libphonenumber's carrier prefixes of one calling code: the holder is the carrier name, its
 * country the calling code's (only single-country calling codes are used, so that this is
 * the country the importer computes for the prefix). Regions come from the geocoding file.
 */
export function readCarrierPrefixes(dataDir: string, callingCode: string, country: string): { carriers: RangeIndex; places: RangeIndex } {
  const file = `libphonenumber/carrier/${callingCode}.txt`;
  const carriers = new RangeIndex();
  for (const [prefix, name] of readPrefixFile(join(dataDir, file))) {
    if (!prefix.startsWith(callingCode)) continue;
    carriers.add({
      prefix,
      holder: { id: carrierId(country, name, null), name, ocn: null },
      nationalLength: null,
      region: null,
      areaCode: null,
      inUse: true,
      file,
    });
  }
  const places = new RangeIndex();
  const geoFile = `libphonenumber/geocoding/${callingCode}.txt`;
  try {
    for (const [prefix, place] of readPrefixFile(join(dataDir, geoFile))) {
      places.add({ prefix, holder: null, nationalLength: null, region: place, areaCode: null, inUse: false, file: geoFile });
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return { carriers, places };
}
