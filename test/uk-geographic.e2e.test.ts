/** UK geographic numbers from Ofcom S1: holders of random allocated numbers, drama numbers, carriers matched across tables, +590 territories. */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holderNameKey } from '../providers/carrier-id.js';
import { operation, startTestGateway, type TestGateway } from './support/gateway.js';

const LINEAGE = operation('Lineage');
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(async () => {
  await gateway?.close();
});

/** S1's rows read the plain way, independently of the importer. */
const S1 = gunzipSync(readFileSync(new URL('../data/ofcom-geo/S1-geographic.csv.gz', import.meta.url)))
  .toString('utf8')
  .split(/\r?\n/)
  .slice(1)
  .filter((line) => line !== '')
  .map((line) => {
    const [block = '', status = '', holder = '', format = ''] = line.split(',');
    return { block, status, holder, format };
  });

/** A small deterministic generator, so a failure names numbers that can be tried again. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe("UK geographic numbers from Ofcom's S1", () => {
  it('answers S1\'s holder, the type and the country for 300 random numbers of allocated blocks', async () => {
    const random = seeded(14);
    const allocated = S1.filter((row) => row.status === 'Allocated' && /^\d\+\d+$/.test(row.format));
    const picks = Array.from({ length: 300 }, () => {
      const row = allocated[Math.floor(random() * allocated.length)]!;
      const [area = 0, local = 0] = row.format.split('+').map(Number);
      let digits = row.block;
      while (digits.length < area + local) digits += String(Math.floor(random() * 10));
      return { e164: `+44${digits}`, row };
    });
    const answers: { e164: string; holder: string; country: string; type: string; block: string; carrier: string | null }[] = [];
    // ten at a time: a client asking for a page of numbers
    for (let i = 0; i < picks.length; i += 10) {
      const results = await Promise.all(picks.slice(i, i + 10).map(({ e164 }) => gateway.request(LINEAGE, { e164 })));
      results.forEach((result, j) => {
        const { e164, row } = picks[i + j]!;
        expect(result.errors, e164).toBeUndefined();
        const number = result.data?.number;
        answers.push({ e164, holder: row.holder, country: number.country, type: number.numberType, block: number.block?.prefix, carrier: number.originatingCarrier?.name ?? null });
      });
    }
    const right = answers.filter((a) => a.carrier !== null && holderNameKey(a.carrier) === holderNameKey(a.holder));
    expect(right.length / answers.length, JSON.stringify(answers.filter((a) => !right.includes(a)).slice(0, 5))).toBeGreaterThanOrEqual(0.99);
    // every answer comes from the S1 block the number was drawn from
    expect(answers.filter((a, i) => a.block !== `44${picks[i]!.row.block}`)).toEqual([]);
    const fixed = answers.filter((a) => a.type === 'FIXED_LINE');
    expect(fixed.length / answers.length).toBeGreaterThanOrEqual(0.99);
    const crownDependency = (a: { block: string }) => /^44(1481|1534|1624)/.test(a.block);
    expect(answers.filter((a) => !crownDependency(a)).every((a) => a.country === 'GB')).toBe(true);
  });

  it("answers +44 113 490 1234 and +44 20 7900 1234 with S1's holder and block", async () => {
    const leeds = (await gateway.request(LINEAGE, { e164: '+441134901234' })).data?.number;
    expect(leeds).toMatchObject({
      country: 'GB',
      numberType: 'FIXED_LINE',
      block: { prefix: '44113490', region: 'Leeds', status: 'ALLOCATED', allocatedOn: null, carrier: { name: 'DIDWW Ireland Limited' }, authority: { id: 'ofcom' } },
      originatingCarrier: { name: 'DIDWW Ireland Limited' },
    });
    const london = (await gateway.request(LINEAGE, { e164: '+442079001234' })).data?.number;
    expect(london).toMatchObject({ block: { prefix: '44207900', region: 'London', status: 'ALLOCATED', carrier: { id: 'gb:sky-uk-limited' } } });
  });

  it('answers a drama number (0113 496 0xxx, 020 7946 0xxx) with its Not allocated block and no holder', async () => {
    for (const [e164, prefix] of [
      ['+441134960123', '44113496'],
      ['+442079460123', '44207946'],
    ]) {
      const result = await gateway.request(`query ($e164: String!) { number(e164: $e164) { block { id prefix status sourceStatus source { id snapshotDate } carrier { id } } originatingCarrier { id } } }`, { e164 });
      expect(result.errors).toBeUndefined();
      expect(result.data?.number).toEqual({
        block: { id: `ofcom-s1:${prefix}`, prefix, status: 'UNALLOCATED', sourceStatus: 'Not allocated', source: { id: 'ofcom-s1', snapshotDate: '2023-03-01' }, carrier: null },
        originatingCarrier: null,
      });
    }
  });

  it('gives "BT" of S1 and "BT" of S3 one carrier, and S1\'s "Gamma Telecom Holdings Ltd" the carrier of S7\'s "… Limited"', async () => {
    const result = await gateway.request(`{
      btS1: number(e164: "+441132001234") { originatingCarrier { id name } }
      btS3: number(e164: "+443000131234") { originatingCarrier { id name } }
      gammaS1: number(e164: "+441133221234") { originatingCarrier { id name } }
      gammaS7: number(e164: "+447061312345") { originatingCarrier { id name } }
    }`);
    expect(result.errors).toBeUndefined();
    const { btS1, btS3, gammaS1, gammaS7 } = result.data!;
    expect(btS1.originatingCarrier).toEqual({ id: 'gb:bt', name: 'BT' });
    expect(btS3.originatingCarrier).toEqual(btS1.originatingCarrier);
    expect(gammaS1.originatingCarrier).toEqual({ id: 'gb:gamma-telecom-holdings-limited', name: 'Gamma Telecom Holdings Limited' });
    expect(gammaS7.originatingCarrier).toEqual(gammaS1.originatingCarrier);
  });
});

describe('statuses a client can switch on', () => {
  it.each([
    ['+447400123456', 'ALLOCATED', 'Allocated'],
    ['+447700900123', 'PROTECTED', 'Protected'],
    ['+14162015555', 'ALLOCATED', 'In Service'],
    ['+12362051234', 'FREE', 'Available'],
    ['+33612345678', 'ALLOCATED', null],
    ['+4915112345678', 'UNKNOWN', null],
  ])('%s: %s, the source saying %s', async (e164, status, sourceStatus) => {
    const result = await gateway.request(`query ($e164: String!) { number(e164: $e164) { block { status sourceStatus } } }`, { e164 });
    expect(result.errors).toBeUndefined();
    expect(result.data?.number.block).toEqual({ status, sourceStatus });
  });
});

describe('countries inside shared ranges', () => {
  it('places a number of a +590 block in the territory libphonenumber names, the block listing the territories it spans', async () => {
    const result = await gateway.request(`{
      mf: number(e164: "+590590771234") { country block { country territories authority { id } } }
      bl: number(e164: "+590590271234") { country block { territories } }
      gp: number(e164: "+590690001234") { country block { country territories } }
      fr: number(e164: "+33612345678") { block { territories } }
    }`);
    expect(result.errors).toBeUndefined();
    const { mf, bl, gp, fr } = result.data!;
    expect(mf.country).toBe('MF');
    expect(mf.block.territories).toContain('MF');
    expect(mf.block.territories[0]).toBe(mf.block.country);
    expect(mf.block.authority.id).toBe('arcep');
    expect(bl.country).toBe('BL');
    expect(bl.block.territories).toContain('BL');
    expect(gp).toEqual({ country: 'GP', block: { country: 'GP', territories: ['GP', 'BL', 'MF'] } });
    expect(fr.block.territories).toEqual(['FR']);
  });
});
