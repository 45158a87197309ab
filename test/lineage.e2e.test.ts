/** The Lineage contract operation through the gateway: block, date, carrier and authority from Ofcom, CNA and libphonenumber, batched. */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operation, startTestGateway, type TestGateway } from './support/gateway.js';

const LINEAGE = operation('Lineage');
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(async () => {
  await gateway?.close();
});

const lineage = async (e164: string) => gateway.request(LINEAGE, { e164 });

/** The fields inventory, compliance and routing own: empty for a number nobody holds yet. */
const NOT_HELD = { holder: null, tier: null, tierChain: [], status: null, complianceTrail: null, route: null, servingCarrier: null };

describe('the Lineage contract operation through the gateway', () => {
  it('is kept word for word as the contract states it', () => {
    const contract = new URL('../../shared/contract/Lineage.graphql', import.meta.url);
    if (!existsSync(contract)) return; // a clone without ../shared has only the project's copy
    expect(LINEAGE).toBe(readFileSync(contract, 'utf8'));
  });

  it('answers a UK mobile from Ofcom S7: block, date, carrier, authority', async () => {
    const result = await lineage('+447400123456');
    expect(result.errors).toBeUndefined();
    expect(result.data?.number).toEqual({
      e164: '+447400123456',
      country: 'GB',
      numberType: 'MOBILE',
      block: {
        prefix: '4474001',
        region: null,
        status: 'ALLOCATED',
        allocatedOn: '2009-07-22',
        carrier: { id: 'gb:hutchison-3g-uk-ltd', name: 'Hutchison 3G UK Ltd', ocn: null },
        authority: { id: 'ofcom', name: 'Ofcom', country: 'GB' },
      },
      originatingCarrier: {
        id: 'gb:hutchison-3g-uk-ltd',
        name: 'Hutchison 3G UK Ltd',
        ocn: null,
        authority: { id: 'ofcom', name: 'Ofcom', country: 'GB' },
      },
      ...NOT_HELD,
    });
  });

  it('answers a Canadian number from the CNA report, with OCN and rate centre', async () => {
    const result = await lineage('+14162015555');
    expect(result.errors).toBeUndefined();
    const number = result.data?.number;
    expect(number).toMatchObject({ e164: '+14162015555', country: 'CA', numberType: 'FIXED_LINE_OR_MOBILE', ...NOT_HELD });
    expect(number.block).toEqual({
      prefix: '1416201',
      region: 'Toronto, ON',
      status: 'ALLOCATED',
      allocatedOn: null,
      carrier: { id: 'ca:bell-canada:8051', name: 'Bell Canada', ocn: '8051' },
      authority: { id: 'cna', name: 'CNA', country: 'CA' },
    });
    expect(number.originatingCarrier).toMatchObject({ name: 'Bell Canada', ocn: '8051', authority: { id: 'cna', name: 'CNA' } });
  });

  it('answers a German fixed-line number with its region and no guessed carrier', async () => {
    const result = await lineage('+4920112345678');
    expect(result.errors).toBeUndefined();
    expect(result.data?.number).toMatchObject({
      country: 'DE',
      numberType: 'FIXED_LINE',
      block: { prefix: '49201', region: 'Essen', status: 'UNKNOWN', carrier: null, authority: { id: 'bnetza', name: 'BNetzA', country: 'DE' } },
      originatingCarrier: null,
    });
  });

  it('answers a German mobile with the carrier libphonenumber compiles', async () => {
    const result = await lineage('+4915112345678');
    expect(result.data?.number).toMatchObject({
      numberType: 'MOBILE',
      block: { prefix: '49151', carrier: { name: 'T-Mobile' }, authority: { id: 'bnetza' } },
    });
  });

  it('answers a Protected Ofcom block (a drama number) with no carrier', async () => {
    const result = await lineage('+447700900123');
    expect(result.errors).toBeUndefined();
    expect(result.data?.number).toMatchObject({
      country: 'GB',
      numberType: 'UNKNOWN',
      block: { prefix: '4477009', status: 'PROTECTED', allocatedOn: null, carrier: null, authority: { id: 'ofcom' } },
      originatingCarrier: null,
    });
  });

  it('gives a CO code that is not yet assigned the region of the range that covers it, and no carrier', async () => {
    const result = await lineage('+12362051234');
    expect(result.errors).toBeUndefined();
    expect(result.data?.number).toMatchObject({
      country: 'CA',
      block: { prefix: '1236205', status: 'FREE', region: 'British Columbia', carrier: null, authority: { id: 'cna' } },
      originatingCarrier: null,
    });
  });

  it('names NANPA under the FCC for a US number, matched only by its place', async () => {
    const result = await gateway.request('query ($e164: String!) { number(e164: $e164) { country authority { id name oversight } block { region carrier { id } } } }', {
      e164: '+12015550123',
    });
    expect(result.data?.number).toEqual({
      country: 'US',
      authority: { id: 'nanpa', name: 'NANPA', oversight: 'FCC (Federal Communications Commission)' },
      block: { region: expect.any(String), carrier: null },
    });
  });

  it.each([
    ['12345', 'is not an E.164 number'],
    ['+44 7400 123456', 'is not an E.164 number'],
    ['+9991234567', 'does not start with a country calling code in use'],
    ['+4412', 'is too short for country calling code +44'],
    ['+4474001234567890', 'is not an E.164 number'],
  ])('rejects %s as BAD_USER_INPUT saying what is wrong', async (input, message) => {
    const result = await lineage(input);
    expect(result.data?.number).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain(message);
  });

  it('batches: several numbers in one request cost the same three statements as one', async () => {
    const allocations = gateway.embedded.subgraphs.allocations!;
    const query = `query {
      a: number(e164: "+447400123456") { block { prefix carrier { name } authority { name } } }
      b: number(e164: "+14162015555") { block { prefix carrier { name } authority { name } } }
      c: number(e164: "+4915112345678") { block { prefix carrier { name } authority { name } } }
      d: number(e164: "+447700900123") { block { prefix carrier { name } authority { name } } }
    }`;
    const before = allocations.statements.count;
    const result = await gateway.request(query);
    expect(result.errors).toBeUndefined();
    // one longest-prefix lookup for all four, one carrier batch, one authority batch
    expect(allocations.statements.count - before).toBe(3);
  });
});
