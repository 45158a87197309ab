/** The ARCEP MAJNUM source: every allocated range of the French plan with its holder, operator code, territory and allocation date. */
import { join } from 'node:path';
import { authorityIdForCountry } from '../numbering/authorities.js';
import { countryOfPrefix } from '../numbering/e164.js';
import { CorruptFileError, readCsv } from './csv.js';
import { PRECEDENCE, readSnapshotFile, ukDateToIso, withSnapshotFile, type Source, type SourceBlock } from './source.js';

const FOLDER = 'arcep';
const MAJNUM = `${FOLDER}/MAJNUM.csv`;
const DIRECTORY = `${FOLDER}/identifiants_CE.csv`;
const CSV = { separator: ';', encoding: 'latin1' } as const;
const MAJNUM_HEADER = ['EZABPQM', 'Tranche_Debut', 'Tranche_Fin', 'Mnémo', 'Territoire', 'Date_Attribution'];
const DIRECTORY_HEADER = ['IDENTITE_OPERATEUR', 'CODE_OPERATEUR'];

/**
 * The French plan reaches several calling codes: overseas ranges keep the national format but
 * are dialled abroad under their territory's code (see data/arcep/README.md). MAJNUM names
 * the territory of every range, and with it the country, the authority's word before
 * libphonenumber's; only Guadeloupe, Saint-Martin and Saint-Barthélemy, one territory in
 * MAJNUM, are told apart by libphonenumber's metadata.
 */
const TERRITORIES: Record<string, { callingCode: string; country?: string }> = {
  Métropole: { callingCode: '33', country: 'FR' },
  National: { callingCode: '33', country: 'FR' },
  'Guadeloupe, St Martin et St Barthélemy': { callingCode: '590' },
  Guyane: { callingCode: '594', country: 'GF' },
  Martinique: { callingCode: '596', country: 'MQ' },
  'La Réunion': { callingCode: '262', country: 'RE' },
  'La Réunion - Océan indien': { callingCode: '262', country: 'RE' },
  Mayotte: { callingCode: '262', country: 'YT' },
  'Saint Pierre et Miquelon': { callingCode: '508', country: 'PM' },
};

/** ARCEP's MAJNUM: every allocated range of the French plan, its holder and allocation date. */
export const arcepSource: Source = {
  id: 'arcep-majnum',
  title: 'ARCEP MAJNUM: allocated ranges of the French plan (+33 and the overseas codes)',
  kind: 'AUTHORITY_FILE',
  precedence: PRECEDENCE.AUTHORITY_FILE,
  files: (dataDir) => withSnapshotFile(dataDir, FOLDER, [MAJNUM, DIRECTORY]),
  snapshotDate: (dataDir) => readSnapshotFile(dataDir, FOLDER),
  async *records(dataDir) {
    const operators = await readOperatorDirectory(dataDir);
    let seenHeader = false;
    for await (const { line, fields } of readCsv(join(dataDir, MAJNUM), CSV)) {
      if (!seenHeader) {
        if (fields.join(';') !== MAJNUM_HEADER.join(';')) throw new CorruptFileError(`${MAJNUM}:${line}: expected the MAJNUM header "${MAJNUM_HEADER.join(';')}"`);
        seenHeader = true;
        continue;
      }
      const parsed = parseMajnumRow(fields, operators);
      if (parsed === null) yield { kind: 'outside', file: MAJNUM, line };
      else if (typeof parsed === 'string') yield { kind: 'malformed', file: MAJNUM, line, reason: parsed };
      else yield { kind: 'block', file: MAJNUM, line, block: parsed };
    }
  },
};

/** ARCEP's operator directory: operator code (the Mnémo of MAJNUM) to legal name. */
async function readOperatorDirectory(dataDir: string): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  let seenHeader = false;
  for await (const { line, fields } of readCsv(join(dataDir, DIRECTORY), CSV)) {
    if (!seenHeader) {
      if (fields[0] !== DIRECTORY_HEADER[0] || fields[1] !== DIRECTORY_HEADER[1]) {
        throw new CorruptFileError(`${DIRECTORY}:${line}: expected the header "${DIRECTORY_HEADER.join(';')};..."`);
      }
      seenHeader = true;
      continue;
    }
    const [name = '', code = ''] = fields.map((f) => f.trim());
    if (name && code) names.set(code, name);
  }
  return names;
}

/**
 * A MAJNUM row as a block; null for a national short number (3xxx, 118xxx, 10xx: no E.164
 * range); otherwise the reason it is malformed.
 */
export function parseMajnumRow(fields: string[], operators: Map<string, string>): SourceBlock | string | null {
  if (fields.length !== MAJNUM_HEADER.length) return `expected ${MAJNUM_HEADER.length} fields, found ${fields.length}`;
  const [ezabpqm = '', first = '', last = '', code = '', territory = '', date = ''] = fields.map((f) => f.trim());
  if (!/^\d+$/.test(ezabpqm)) return `EZABPQM "${ezabpqm}" is not digits`;
  if (!ezabpqm.startsWith('0')) return null;
  const width = first.length;
  if (!/^\d+$/.test(first) || first !== ezabpqm.padEnd(width, '0') || last !== ezabpqm.padEnd(width, '9')) {
    return `range ${first}-${last} is not the whole of prefix ${ezabpqm}`;
  }
  const place = TERRITORIES[territory];
  if (!place) return `territory "${territory}" is not one MAJNUM uses`;
  const name = operators.get(code);
  if (!name) return `operator code "${code}" is not in the operator directory`;
  const allocatedOn = ukDateToIso(date);
  if (allocatedOn === undefined) return `allocation date "${date}" is not a dd/mm/yyyy date`;
  // Dialled from abroad the trunk 0 goes; Saint-Pierre-et-Miquelon's fixed numbers
  // (05 08 xx xx xx) are six digits under +508, so their 0508 goes with it.
  const dropped = place.callingCode === '508' && ezabpqm.startsWith('0508') ? 4 : 1;
  const prefix = `${place.callingCode}${ezabpqm.slice(dropped)}`;
  const country = place.country ?? countryOfPrefix(prefix);
  return {
    prefix,
    country,
    authorityId: authorityIdForCountry(country),
    // MAJNUM lists allocated ranges only and states no status.
    status: null,
    allocatedOn,
    region: null,
    numberLength: width - dropped,
    carrier: { name, ocn: null, operatorCode: code },
  };
}
