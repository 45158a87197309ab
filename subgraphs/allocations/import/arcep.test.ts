/** ARCEP MAJNUM rows: metropolitan ranges with holder and operator code, overseas ranges under their own calling code, short numbers left out. */
import { describe, expect, it } from 'vitest';
import { parseMajnumRow } from './arcep.js';

const operators = new Map([
  ['SFR0', 'Société française du radiotéléphone'],
  ['SPMT', 'SPM Telecom'],
]);
const row = (line: string) => line.split(';');

describe('parseMajnumRow', () => {
  it('reads a metropolitan range: E.164 prefix, holder by its legal name and operator code, ISO date', () => {
    expect(parseMajnumRow(row('0612;0612000000;0612999999;SFR0;Métropole;08/12/2011'), operators)).toEqual({
      prefix: '33612',
      country: 'FR',
      authorityId: 'arcep',
      status: null,
      allocatedOn: '2011-12-08',
      region: null,
      numberLength: 9,
      carrier: { name: 'Société française du radiotéléphone', ocn: null, operatorCode: 'SFR0' },
    });
  });

  it('puts overseas ranges under their own calling code and country', () => {
    expect(parseMajnumRow(row('0639012;0639012000;0639012999;SFR0;Mayotte;01/01/2020'), operators)).toMatchObject({ prefix: '262639012', country: 'YT', authorityId: 'arcep', numberLength: 9 });
    expect(parseMajnumRow(row('069000;0690000000;0690009999;SFR0;Guadeloupe, St Martin et St Barthélemy;11/04/2001'), operators)).toMatchObject({ prefix: '59069000', country: 'GP' });
    // Saint-Pierre-et-Miquelon's fixed numbers are six digits under +508
    expect(parseMajnumRow(row('050841;0508410000;0508419999;SPMT;Saint Pierre et Miquelon;22/04/2024'), operators)).toMatchObject({ prefix: '50841', country: 'PM', numberLength: 6 });
    expect(parseMajnumRow(row('070856;0708560000;0708569999;SPMT;Saint Pierre et Miquelon;12/02/2024'), operators)).toMatchObject({ prefix: '50870856', country: 'PM', numberLength: 9 });
  });

  it('leaves national short numbers out (null): they have no E.164 range', () => {
    expect(parseMajnumRow(row('3000;3000;3000;SFR0;National;01/01/2010'), operators)).toBeNull();
  });

  it.each([
    ['0612;0612000000;0612999999;SFR0;Métropole', 'expected 6 fields, found 5'],
    ['06A2;0612000000;0612999999;SFR0;Métropole;08/12/2011', 'EZABPQM "06A2" is not digits'],
    ['0612;0612000000;0612899999;SFR0;Métropole;08/12/2011', 'range 0612000000-0612899999 is not the whole of prefix 0612'],
    ['0612;0612000000;0612999999;SFR0;Corse;08/12/2011', 'territory "Corse" is not one MAJNUM uses'],
    ['0612;0612000000;0612999999;NOPE;Métropole;08/12/2011', 'operator code "NOPE" is not in the operator directory'],
    ['0612;0612000000;0612999999;SFR0;Métropole;31/02/2011', 'allocation date "31/02/2011" is not a dd/mm/yyyy date'],
  ])('reports %s as malformed: %s', (line, reason) => {
    expect(parseMajnumRow(row(line), operators)).toBe(reason);
  });
});
