/** Places numbered inside another country's plan (French overseas, Crown Dependencies, KZ, AS, ...) answered as their own country and authority. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.js';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(async () => {
  await gateway?.close();
});

const LINEAGE = `query ($e164: String!) { number(e164: $e164) {
  country authority { id name known } block { country carrier { id country } } originatingCarrier { id name country authority { id } }
} }`;

describe('places numbered inside another country’s plan, under that plan’s authority', () => {
  it.each([
    ['+590690001234', 'GP', 'arcep'],
    ['+594694201234', 'GF', 'arcep'],
    ['+596696201234', 'MQ', 'arcep'],
    ['+262692123456', 'RE', 'arcep'],
    ['+262639012345', 'YT', 'arcep'],
    ['+508411234', 'PM', 'arcep'],
    ['+35818123456', 'AX', 'traficom'],
    ['+4779123456', 'SJ', 'nkom'],
    ['+61891621234', 'CC', 'acma'],
    ['+61891641234', 'CX', 'acma'],
    ['+390669812345', 'VA', 'agcom'],
    ['+447797712345', 'JE', 'ofcom'],
    ['+441481123456', 'GG', 'ofcom'],
    ['+447624123456', 'IM', 'ofcom'],
    ['+17872345678', 'PR', 'nanpa'],
  ])('%s is %s under %s', async (e164, country, authority) => {
    const result = await gateway.request(LINEAGE, { e164 });
    expect(result.errors).toBeUndefined();
    expect(result.data?.number).toMatchObject({ country, authority: { id: authority, known: true } });
  });

  it('answers a Kazakh number as KZ, under Kazakhstan’s authority, with the Kazakh carrier (not the Russian one)', async () => {
    const result = await gateway.request(LINEAGE, { e164: '+77471234567' });
    expect(result.errors).toBeUndefined();
    expect(result.data?.number).toMatchObject({
      country: 'KZ',
      authority: { id: 'mddiai-kz', known: true },
      block: { country: 'KZ' },
      originatingCarrier: { id: 'kz:tele2', name: 'Tele2', country: 'KZ', authority: { id: 'mddiai-kz' } },
    });
    const russian = await gateway.request(LINEAGE, { e164: '+79161234567' });
    expect(russian.data?.number).toMatchObject({ country: 'RU', authority: { id: 'rossvyaz' } });
  });

  it('answers an American Samoa number as AS under NANPA, with its carrier in AS', async () => {
    const result = await gateway.request(LINEAGE, { e164: '+16847331234' });
    expect(result.errors).toBeUndefined();
    expect(result.data?.number).toMatchObject({
      country: 'AS',
      authority: { id: 'nanpa' },
      block: { country: 'AS' },
      originatingCarrier: { id: 'as:astca', name: 'ASTCA', country: 'AS', authority: { id: 'nanpa' } },
    });
  });

  it.each(['JE', 'GG', 'IM'])('lists Ofcom’s carriers on %s ranges under that country', async (country) => {
    const result = await gateway.request(
      `query ($country: String) { carriers(first: 100, filter: { country: $country }) { totalCount edges { node { id country authority { id } blocks(first: 1) { edges { node { country authority { id } } } } } } } }`,
      { country },
    );
    expect(result.errors).toBeUndefined();
    const carriers = result.data?.carriers;
    expect(carriers.totalCount).toBeGreaterThan(0);
    for (const { node } of carriers.edges) {
      expect(node).toMatchObject({ id: expect.stringMatching(new RegExp(`^${country.toLowerCase()}:`)), country, authority: { id: 'ofcom' } });
      for (const block of node.blocks.edges) expect(block.node).toMatchObject({ country, authority: { id: 'ofcom' } });
    }
  });
});
