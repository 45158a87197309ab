/** French numbers against ARCEP MAJNUM read independently: holders, dates, overseas territories, M2M ranges, and a random sample agreeing. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.js';

/**
 * French numbers against ARCEP's own files, read here the plain way (Latin-1, `;`, quotes
 * around fields with a separator), independently of the importer's parser.
 */
const read = (file: string) =>
  readFileSync(new URL(`../data/arcep/${file}`, import.meta.url), 'latin1')
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split(/;(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((field) => field.replace(/^"|"$/g, '')));

const operators = new Map(read('identifiants_CE.csv').map(([name = '', code = '']) => [code, name]));

/** Where each MAJNUM territory is dialled from abroad, and the country it is. */
const TERRITORY: Record<string, { code: string; countries: string[] }> = {
  Métropole: { code: '33', countries: ['FR'] },
  National: { code: '33', countries: ['FR'] },
  'Guadeloupe, St Martin et St Barthélemy': { code: '590', countries: ['GP', 'BL', 'MF'] },
  Guyane: { code: '594', countries: ['GF'] },
  Martinique: { code: '596', countries: ['MQ'] },
  'La Réunion': { code: '262', countries: ['RE'] },
  'La Réunion - Océan indien': { code: '262', countries: ['RE'] },
  Mayotte: { code: '262', countries: ['YT'] },
  'Saint Pierre et Miquelon': { code: '508', countries: ['PM'] },
};

interface Range {
  ezabpqm: string;
  first: string;
  holder: string;
  code: string;
  territory: string;
  allocatedOn: string;
  /** E.164 digits of the range's prefix. */
  prefix: string;
}

/** The E.164 ranges of MAJNUM (national numbers start with 0; short numbers 1xxx/3xxx have none). */
const ranges: Range[] = read('MAJNUM.csv')
  .filter(([ezabpqm = '']) => ezabpqm.startsWith('0'))
  .map(([ezabpqm = '', first = '', , code = '', territory = '', date = '']) => {
    const { code: cc } = TERRITORY[territory]!;
    const national = cc === '508' && ezabpqm.startsWith('0508') ? ezabpqm.slice(4) : ezabpqm.slice(1);
    const [dd, mm, yyyy] = date.split('/');
    return { ezabpqm, first, holder: operators.get(code)!, code, territory, allocatedOn: `${yyyy}-${mm}-${dd}`, prefix: `${cc}${national}` };
  });
const byPrefix = new Map(ranges.map((r) => [r.prefix, r]));

/** The number's E.164 digits from a national number of a range. */
const e164Of = (range: Range, national: string) => `+${range.prefix}${national.slice(range.ezabpqm.length)}`;

/** The MAJNUM range a number sits in: the longest one whose prefix it starts with. */
function rangeOf(digits: string): Range | undefined {
  for (let length = digits.length; length > 0; length--) {
    const range = byPrefix.get(digits.slice(0, length));
    if (range) return range;
  }
  return undefined;
}

const FIELDS = 'country block { id prefix country allocatedOn carrier { id name operatorCode country } authority { id name } source { id snapshotDate } } authority { id name }';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(async () => {
  await gateway?.close();
});

/** Asks for many numbers, one alias each, in requests within the gateway's default limits. */
async function lineages(numbers: string[]): Promise<Record<string, any>[]> {
  const answers: Record<string, any>[] = [];
  for (let start = 0; start < numbers.length; start += 15) {
    const chunk = numbers.slice(start, start + 15);
    const query = `{ ${chunk.map((n, i) => `n${i}: number(e164: "${n}") { e164 ${FIELDS} }`).join('\n')} }`;
    const result = await gateway.request(query);
    expect(result.errors).toBeUndefined();
    answers.push(...chunk.map((_, i) => result.data?.[`n${i}`]));
  }
  return answers;
}

describe('French numbers from ARCEP MAJNUM', () => {
  it('answers +33612345678 with the holder ARCEP names, its allocation date and authority ARCEP', async () => {
    const range = rangeOf('33612345678')!;
    expect(range.code).toBe('SFR0');
    const [number] = await lineages(['+33612345678']);
    expect(number).toMatchObject({
      country: 'FR',
      authority: { id: 'arcep', name: 'ARCEP' },
      block: {
        id: `arcep-majnum:${range.prefix}`,
        allocatedOn: range.allocatedOn,
        carrier: { name: operators.get('SFR0'), operatorCode: 'SFR0', country: 'FR' },
        authority: { id: 'arcep' },
        source: { id: 'arcep-majnum', snapshotDate: '2025-07-02' },
      },
    });
  });

  it('answers +590690001234 as GP under ARCEP, held by the holder of range 069000', async () => {
    const range = rangeOf('590690001234')!;
    expect(range.ezabpqm).toBe('069000');
    const [number] = await lineages(['+590690001234']);
    expect(number).toMatchObject({
      country: 'GP',
      authority: { id: 'arcep' },
      block: { prefix: '59069000', country: 'GP', allocatedOn: range.allocatedOn, carrier: { name: range.holder, operatorCode: range.code }, authority: { id: 'arcep' } },
    });
  });

  it('answers the first range of every territory under its own calling code and country', async () => {
    const firsts = Object.keys(TERRITORY).map((territory) => ranges.find((r) => r.territory === territory)!);
    const numbers = firsts.map((range) => e164Of(range, range.first));
    const answers = await lineages(numbers);
    firsts.forEach((range, i) => {
      const answer = answers[i]!;
      expect(TERRITORY[range.territory]!.countries, numbers[i]).toContain(answer.block?.country);
      expect(answer, numbers[i]).toMatchObject({
        authority: { id: 'arcep' },
        block: { prefix: range.prefix, allocatedOn: range.allocatedOn, carrier: { name: range.holder, operatorCode: range.code }, authority: { id: 'arcep' } },
      });
    });
    expect(new Set(numbers.map((n) => TERRITORY[rangeOf(n.slice(1))!.territory]!.code))).toEqual(new Set(['33', '590', '594', '596', '262', '508']));
  });

  it('answers the machine-to-machine ranges (14-digit national numbers, 13 overseas) libphonenumber does not know', async () => {
    const m2m = ranges.filter((r) => r.first.length !== 10);
    expect(m2m.length).toBeGreaterThan(30);
    const numbers = m2m.map((range) => e164Of(range, range.first.replace(/0$/, '7')));
    const answers = await lineages(numbers);
    m2m.forEach((range, i) => {
      expect(TERRITORY[range.territory]!.countries, numbers[i]).toContain(answers[i]!.block?.country);
      expect(answers[i], numbers[i]).toMatchObject({
        authority: { id: 'arcep' },
        block: { prefix: range.prefix, allocatedOn: range.allocatedOn, carrier: { name: range.holder, operatorCode: range.code } },
      });
    });
  });

  it('agrees with a random sample of MAJNUM ranges at 100%', async () => {
    // A seeded generator: the sample is random, and the same on every run.
    let seed = 20250702;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const sample = Array.from({ length: 300 }, () => ranges[Math.floor(random() * ranges.length)]!);
    const numbers = sample.map((range) => {
      const free = range.first.length - range.ezabpqm.length;
      const tail = Array.from({ length: free }, () => Math.floor(random() * 10)).join('');
      return e164Of(range, `${range.ezabpqm}${tail}`);
    });
    const answers = await lineages(numbers);
    const disagreements = numbers.flatMap((e164, i) => {
      const expected = rangeOf(e164.slice(1))!;
      const answer = answers[i]!;
      const agrees =
        answer.block?.prefix === expected.prefix &&
        answer.block.carrier?.name === expected.holder &&
        answer.block.carrier?.operatorCode === expected.code &&
        answer.block.allocatedOn === expected.allocatedOn &&
        answer.block.authority.id === 'arcep' &&
        answer.authority.id === 'arcep' &&
        TERRITORY[expected.territory]!.countries.includes(answer.block.country);
      return agrees ? [] : [{ e164, expected, answer }];
    });
    expect(disagreements).toEqual([]);
  });
});
