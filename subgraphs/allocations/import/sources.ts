/** Every numbering plan source in import order (Ofcom, CNA, ARCEP, libphonenumber), with the Ofcom, CNA and prefix-file row parsers. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { authorityIdForCountry } from '../numbering/authorities.js';
import { callingCodeOf, countryOfPrefix } from '../numbering/e164.js';
import { arcepSource } from './arcep.js';
import { ofcomGeoSource } from './ofcom-geo.js';
import { CorruptFileError, readCsv, readPrefixFile } from './csv.js';
import { PRECEDENCE, readSnapshotFile, ukDateToIso, withSnapshotFile, type Source, type SourceBlock } from './source.js';

export type { Source, SourceBlock, SourceKind, SourceRecord } from './source.js';
export { ukDateToIso } from './source.js';

const OFCOM_FILES = { S3: 'geographic-rate non-geographic (03)', S5: 'corporate and VoIP (055/056)', S7: 'mobile, personal numbering and paging (07)', S8: 'freephone and special services (08)', S9: 'premium rate (09)' };

function ofcomSource(table: keyof typeof OFCOM_FILES): Source {
  const path = `ofcom/${table}.csv`;
  return {
    id: `ofcom-${table.toLowerCase()}`,
    title: `Ofcom ${table}: ${OFCOM_FILES[table]}`,
    kind: 'AUTHORITY_FILE',
    precedence: PRECEDENCE.AUTHORITY_FILE,
    files: (dataDir) => withSnapshotFile(dataDir, 'ofcom', [path]),
    snapshotDate: (dataDir) => readSnapshotFile(dataDir, 'ofcom'),
    async *records(dataDir) {
      let header: string[] | null = null;
      for await (const { line, fields } of readCsv(join(dataDir, path))) {
        if (!header) {
          if (!fields[0]?.startsWith('NMS Number Block')) {
            throw new CorruptFileError(`${path}:${line}: expected the Ofcom header "NMS Number Block...", found "${fields.join(',')}"`);
          }
          header = fields;
          continue;
        }
        const parsed = parseOfcomRow(fields, header.length);
        yield typeof parsed === 'string'
          ? { kind: 'malformed', file: path, line, reason: parsed }
          : { kind: 'block', file: path, line, block: parsed };
      }
    },
  };
}

/** An Ofcom row as a block, or the reason it is malformed. */
export function parseOfcomRow(fields: string[], width: number): SourceBlock | string {
  if (fields.length !== width) return `expected ${width} fields, found ${fields.length}`;
  const [numberBlock = '', status = '', cpName = '', length = '', date = ''] = fields.map((f) => f.trim());
  if (!/^\d+( \d+)*$/.test(numberBlock)) return `number block "${numberBlock}" is not digits`;
  if (!status) return 'block status is empty';
  const numberLength = length === '' ? null : /^(\d+) digit numbers$/.exec(length)?.[1];
  if (numberLength === undefined) return `number length "${length}" is not "<n> digit numbers"`;
  const allocatedOn = date === '' ? null : ukDateToIso(date);
  if (allocatedOn === undefined) return `allocation date "${date}" is not a dd/mm/yyyy date`;
  const prefix = `44${numberBlock.replace(/ /g, '')}`;
  return {
    prefix,
    // Ofcom allocates for the Crown Dependencies too (Jersey, Guernsey, Isle of Man ranges):
    // the range, and its holder, belong to the Crown Dependency, under Ofcom.
    country: countryOfPrefix(prefix),
    authorityId: authorityIdForCountry('GB'),
    status,
    allocatedOn,
    region: null,
    numberLength: numberLength === null ? null : Number(numberLength),
    carrier: cpName ? { name: cpName, ocn: null, operatorCode: null } : null,
  };
}

const CNA_FILE = 'cnac/COCodeStatus_ALL.csv';
const CNA_HEADER = ['NPA', 'CO Code (NXX)', 'Status', 'Exchange Area', 'Province', 'Company', 'OCN', 'Remarks'];

const cnaSource: Source = {
  id: 'cna-co-codes',
  title: 'CNA central office code status report (Canada, NPA-NXX)',
  kind: 'AUTHORITY_FILE',
  precedence: PRECEDENCE.AUTHORITY_FILE,
  files: () => [CNA_FILE],
  // The report's date rides alone in the Remarks column of its second line.
  async snapshotDate(dataDir) {
    let lineNo = 0;
    for await (const { fields } of readCsv(join(dataDir, CNA_FILE))) {
      lineNo += 1;
      if (lineNo < 2) continue;
      const date = fields[CNA_HEADER.length - 1]?.trim() ?? '';
      return /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : null;
    }
    return null;
  },
  async *records(dataDir) {
    let seenHeader = false;
    for await (const { line, fields } of readCsv(join(dataDir, CNA_FILE))) {
      if (!seenHeader) {
        if (fields.join(',') !== CNA_HEADER.join(',')) {
          throw new CorruptFileError(`${CNA_FILE}:${line}: expected the CNA header "${CNA_HEADER.join(',')}"`);
        }
        seenHeader = true;
        continue;
      }
      // The report's date rides alone in the Remarks column of the second line.
      if (fields.length === CNA_HEADER.length && fields.slice(0, 7).every((f) => f === '')) continue;
      const parsed = parseCnaRow(fields);
      yield typeof parsed === 'string'
        ? { kind: 'malformed', file: CNA_FILE, line, reason: parsed }
        : { kind: 'block', file: CNA_FILE, line, block: parsed };
    }
  },
};

export function parseCnaRow(fields: string[]): SourceBlock | string {
  if (fields.length !== CNA_HEADER.length) return `expected ${CNA_HEADER.length} fields, found ${fields.length}`;
  const [npa = '', nxx = '', status = '', exchange = '', province = '', company = '', ocn = ''] = fields.map((f) => f.trim());
  if (!/^\d{3}$/.test(npa)) return `NPA "${npa}" is not three digits`;
  if (!/^\d{3}$/.test(nxx)) return `CO code "${nxx}" is not three digits`;
  if (!status) return 'status is empty';
  return {
    prefix: `1${npa}${nxx}`,
    country: 'CA',
    authorityId: authorityIdForCountry('CA'),
    status,
    allocatedOn: null,
    region: exchange ? [exchange, province].filter(Boolean).join(', ') : null,
    numberLength: 10,
    carrier: company ? { name: company, ocn: ocn || null, operatorCode: ocn || null } : null,
  };
}

function libphonenumberSource(kind: 'carrier' | 'geocoding'): Source {
  const folder = `libphonenumber/${kind}`;
  return {
    id: `libphonenumber-${kind}`,
    title: kind === 'carrier' ? 'libphonenumber carrier ranges (by calling code)' : 'libphonenumber geocoding ranges (the place a range serves)',
    kind: kind === 'carrier' ? 'CARRIER_PREFIXES' : 'GEOGRAPHY',
    precedence: kind === 'carrier' ? PRECEDENCE.CARRIER_PREFIXES : PRECEDENCE.GEOGRAPHY,
    files: (dataDir) => withSnapshotFile(dataDir, 'libphonenumber', prefixFiles(dataDir, folder)),
    snapshotDate: (dataDir) => readSnapshotFile(dataDir, 'libphonenumber'),
    async *records(dataDir) {
      for (const file of prefixFiles(dataDir, folder)) {
        const fileCode = /(\d+)\.txt$/.exec(file)?.[1] ?? '';
        for await (const { line, text } of readPrefixFile(join(dataDir, file))) {
          const parsed = parsePrefixLine(text, fileCode, kind);
          yield typeof parsed === 'string' ? { kind: 'malformed', file, line, reason: parsed } : { kind: 'block', file, line, block: parsed };
        }
      }
    },
  };
}

function prefixFiles(dataDir: string, folder: string): string[] {
  return readdirSync(join(dataDir, folder))
    .filter((name) => /^\d+\.txt$/.test(name))
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
    .map((name) => `${folder}/${name}`);
}

export function parsePrefixLine(text: string, fileCode: string, kind: 'carrier' | 'geocoding'): SourceBlock | string {
  const bar = text.indexOf('|');
  if (bar < 0) return 'expected "<prefix>|<text>"';
  const prefix = text.slice(0, bar).trim();
  const value = text.slice(bar + 1).trim();
  if (!/^\d{1,15}$/.test(prefix)) return `prefix "${prefix}" is not 1 to 15 digits`;
  if (callingCodeOf(prefix) !== fileCode) return `prefix ${prefix} is outside calling code +${fileCode}`;
  if (!value) return `prefix ${prefix} has no ${kind === 'carrier' ? 'carrier name' : 'place'}`;
  const country = countryOfPrefix(prefix);
  return {
    prefix,
    country,
    authorityId: authorityIdForCountry(country),
    status: null,
    allocatedOn: null,
    region: kind === 'geocoding' ? value : null,
    numberLength: null,
    carrier: kind === 'carrier' ? { name: value, ocn: null, operatorCode: null } : null,
  };
}

/** Every source, in import order. */
export const SOURCES: Source[] = [
  ofcomSource('S3'),
  ofcomSource('S5'),
  ofcomSource('S7'),
  ofcomSource('S8'),
  ofcomSource('S9'),
  ofcomGeoSource,
  cnaSource,
  arcepSource,
  libphonenumberSource('carrier'),
  libphonenumberSource('geocoding'),
];
