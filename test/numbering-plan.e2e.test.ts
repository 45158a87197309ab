/** Browsing the numbering plan through the gateway: carriers and blocks paged, _entities, country coverage, and bounded statements and errors. */
import { readFileSync } from 'node:fs';
import { graphql } from 'graphql';
import { DEVELOPMENT_ANALYST } from '../contracts/identity.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { postGraphQLRaw, type GraphQLResult } from './support/http.js';

let gateway: TestGateway;

beforeAll(async () => {
  // carriers(first: 100) { blocks(first: 100) } and 200 aliased fields are asked below: past the default limits
  gateway = await startTestGateway({ env: { MAX_COST: '50000', MAX_ALIASES: '1000', MAX_ROOT_FIELDS: '1000' } });
});
afterAll(async () => {
  await gateway?.close();
});

describe('browsing the numbering plan through the gateway', () => {
  it('lists carriers by country and name, page by page', async () => {
    const query = `query ($after: String) {
      carriers(first: 2, after: $after, filter: { country: "CA", nameContains: "bell canada" }) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name ocn country authority { id } } }
      }
    }`;
    const first = await gateway.request(query);
    expect(first.errors).toBeUndefined();
    const page1 = first.data?.carriers;
    expect(page1.edges).toHaveLength(2);
    expect(page1.totalCount).toBeGreaterThan(2);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    for (const { node } of page1.edges) expect(node).toMatchObject({ name: expect.stringMatching(/bell canada/i), country: 'CA', authority: { id: 'cna' } });

    const second = await gateway.request(query, { after: page1.pageInfo.endCursor });
    const ids = second.data?.carriers.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(page1.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(id);
    expect([...ids].sort()).toEqual(ids);
  });

  it("pages through a carrier's blocks in prefix order", async () => {
    const query = `query ($after: String) {
      carrier(id: "gb:hutchison-3g-uk-ltd") { name blocks(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id prefix status } } } }
    }`;
    const first = await gateway.request(query);
    const blocks = first.data?.carrier.blocks;
    expect(blocks.totalCount).toBeGreaterThan(3);
    const second = await gateway.request(query, { after: blocks.pageInfo.endCursor });
    const prefixes = [...blocks.edges, ...second.data?.carrier.blocks.edges].map((e: { node: { prefix: string } }) => e.node.prefix);
    expect(prefixes).toHaveLength(6);
    expect([...prefixes].sort()).toEqual(prefixes);
    expect(new Set(prefixes).size).toBe(6);
  });

  it('finds a block by id with its source line, and authorities known and unknown', async () => {
    const result = await gateway.request(`{
      block(id: "ofcom-s7:4474001") { prefix numberLength source { id title line } carrier { name } }
      authority(id: "bnetza") { name fullName country known }
      unknown: authorities(first: 1, known: false) { edges { node { name known } } }
    }`);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      block: { prefix: '4474001', numberLength: 10, source: { id: 'ofcom-s7', title: expect.stringContaining('Ofcom S7'), line: 4093 }, carrier: { name: 'Hutchison 3G UK Ltd' } },
      authority: { name: 'BNetzA', fullName: 'Bundesnetzagentur', country: 'DE', known: true },
      unknown: { edges: [{ node: { name: 'Unknown', known: false } }] },
    });
  });

  it('bounds pages and rejects cursors it did not issue', async () => {
    const tooMany = await gateway.request('{ carriers(first: 1000) { totalCount } }');
    expect(tooMany.errors?.[0]).toMatchObject({ message: 'first must be between 0 and 100, got 1000', extensions: { code: 'BAD_USER_INPUT' } });
    const forged = await gateway.request('{ carriers(after: "bogus") { totalCount } }');
    expect(forged.errors?.[0]).toMatchObject({ message: expect.stringContaining('after is not a cursor of Query.carriers'), extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('the allocations subgraph as the gateway calls it', () => {
  // 'fails only the bad one of a batch of Number representations' moved to subgraphs/allocations/resolvers.test.ts (no plan needed)
  it('resolves Number, Carrier and Block entities through _entities', async () => {
    const allocations = gateway.embedded.subgraphs.allocations!;
    const result = await graphql({
      schema: allocations.schema,
      source: `query ($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on Number { e164 country block { prefix } originatingCarrier { name } }
        ... on Carrier { name ocn }
        ... on Block { prefix status }
      } }`,
      variableValues: {
        representations: [
          { __typename: 'Number', e164: '+14162015555' },
          { __typename: 'Carrier', id: 'ca:bell-canada:8051' },
          { __typename: 'Block', id: 'ofcom-s7:4477009' },
          { __typename: 'Carrier', id: 'no-such-carrier' },
        ],
      },
      contextValue: allocations.createContext({ identity: DEVELOPMENT_ANALYST, requestId: 'test' }),
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([
      { e164: '+14162015555', country: 'CA', block: { prefix: '1416201' }, originatingCarrier: { name: 'Bell Canada' } },
      { name: 'Bell Canada', ocn: '8051' },
      { prefix: '4477009', status: 'PROTECTED' },
      null,
    ]);
  });
});

describe('what the plan covers, country by country', () => {
  const PLAN = `query ($country: String!) { numberingPlan(country: $country) {
    country callingCode precision authority { id name } sources { totalCount edges { node { id title note precision snapshotDate importedAt blocks } } }
  } }`;
  const PLANS = `query ($first: Int, $after: String) { numberingPlans(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { country } } } }`;
  /** A country's plan, its sources as a plain list. */
  const plan = async (country: string) => {
    const result = await gateway.request(PLAN, { country });
    expect(result.errors).toBeUndefined();
    const node = result.data?.numberingPlan;
    expect(node.sources.totalCount).toBe(node.sources.edges.length);
    return { ...node, sources: node.sources.edges.map((e: { node: unknown }) => e.node) };
  };

  it("answers France from ARCEP's file: authority, snapshot date, blocks in metropolitan France", async () => {
    const majnum = readFileSync(new URL('../data/arcep/MAJNUM.csv', import.meta.url), 'latin1').split(/\r?\n/).slice(1);
    const metropolitan = majnum.filter((row) => /^0\d*;\d+;\d+;[^;]*;(M.tropole|National);/.test(row)).length;
    const france = await plan('FR');
    expect(france).toMatchObject({ country: 'FR', callingCode: '33', precision: 'AUTHORITY_FILE', authority: { id: 'arcep', name: 'ARCEP' } });
    expect(france.sources[0]).toMatchObject({ id: 'arcep-majnum', precision: 'AUTHORITY_FILE', snapshotDate: '2025-07-02', blocks: metropolitan });
    // libphonenumber covers France too, after the authority's file
    const rank = ['AUTHORITY_FILE', 'CARRIER_PREFIXES', 'GEOGRAPHY_ONLY'];
    const precisions = france.sources.map((s: { precision: string }) => rank.indexOf(s.precision));
    expect(precisions.length).toBeGreaterThan(1);
    expect([...precisions].sort()).toEqual(precisions);
    expect(await plan('GP')).toMatchObject({ callingCode: '590', precision: 'AUTHORITY_FILE', authority: { id: 'arcep' } });
  });

  it('tells apart what each country can be trusted for', async () => {
    expect(await plan('GB')).toMatchObject({ precision: 'AUTHORITY_FILE', authority: { id: 'ofcom' } });
    const ofcom = (await plan('GB')).sources.filter((s: { id: string }) => s.id.startsWith('ofcom-'));
    expect(ofcom.map((s: { id: string; snapshotDate: string }) => [s.id, s.snapshotDate])).toEqual([
      ['ofcom-s1', '2023-03-01'],
      ...['s3', 's5', 's7', 's8', 's9'].map((t) => [`ofcom-${t}`, '2025-09-13']),
    ]);
    // S1 is older than the other Ofcom tables, and the plan says so
    expect(ofcom[0].note).toMatch(/2023-03-01.*older than the other Ofcom tables/);
    expect(await plan('CA')).toMatchObject({ precision: 'AUTHORITY_FILE', sources: expect.arrayContaining([expect.objectContaining({ id: 'cna-co-codes', snapshotDate: '2024-10-10' })]) });
    expect(await plan('DE')).toMatchObject({ precision: 'CARRIER_PREFIXES', authority: { id: 'bnetza' }, sources: [{ id: 'libphonenumber-carrier', snapshotDate: '2026-07-17' }, { id: 'libphonenumber-geocoding' }] });
    expect(await plan('MX')).toMatchObject({ precision: 'GEOGRAPHY_ONLY', sources: [{ id: 'libphonenumber-geocoding' }] });
    // Western Sahara: libphonenumber places its ranges in Morocco, so no source gives it a block
    expect(await plan('EH')).toMatchObject({ precision: 'NONE', sources: [], authority: { id: 'anrt' } });
  });

  it("pages a country's sources in precision order", async () => {
    const query = `query ($after: String) { numberingPlan(country: "GB") { sources(first: 4, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id precision } } } } }`;
    const sourcesOf = (result: { data?: any }) => result.data?.numberingPlan.sources;
    const first = sourcesOf(await gateway.request(query));
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = sourcesOf(await gateway.request(query, { after: first.pageInfo.endCursor }));
    const ids = [...first.edges, ...second.edges].map((e: { node: { id: string } }) => e.node.id);
    expect(ids).toHaveLength(first.totalCount);
    expect(ids.slice(0, 6)).toEqual(['ofcom-s1', 'ofcom-s3', 'ofcom-s5', 'ofcom-s7', 'ofcom-s8', 'ofcom-s9']);
    expect(ids.slice(6)).toContain('libphonenumber-carrier');
  });

  it('pages through every country libphonenumber knows, in code order', async () => {
    const first = await gateway.request(PLANS, { first: 3 });
    const page = first.data?.numberingPlans;
    expect(page.totalCount).toBeGreaterThan(240);
    expect(page.edges.map((e: { node: { country: string } }) => e.node.country)).toEqual(['AC', 'AD', 'AE']);
    const second = await gateway.request(PLANS, { first: 2, after: page.pageInfo.endCursor });
    expect(second.data?.numberingPlans.edges.map((e: { node: { country: string } }) => e.node.country)).toEqual(['AF', 'AG']);
    const bad = await gateway.request(PLAN, { country: 'France' });
    expect(bad.errors?.[0]).toMatchObject({ message: 'country must be an ISO 3166-1 alpha-2 country code such as GB, got "France"', extensions: { code: 'BAD_USER_INPUT', argumentName: 'country' } });
    // two letters that are no country libphonenumber knows: no plan, no error
    const none = await gateway.request(PLAN, { country: 'ZZ' });
    expect(none.errors).toBeUndefined();
    expect(none.data?.numberingPlan).toBeNull();
  });
});

describe('requests that must stay cheap and safe', () => {
  it('runs a fixed number of statements for carriers(first: 100) { blocks(first: 100) }, not one per carrier', async () => {
    const allocations = gateway.embedded.subgraphs.allocations!;
    const statementsFor = async (carriers: number) => {
      const before = allocations.statements.count;
      const result = await gateway.request(`{ carriers(first: ${carriers}, filter: { country: "GB" }) { edges { node { id blocks(first: 100) { totalCount edges { node { id } } } } } } }`);
      expect(result.errors).toBeUndefined();
      expect(result.data?.carriers.edges).toHaveLength(carriers);
      return allocations.statements.count - before;
    };
    // the carriers page, one statement for every carrier's page of blocks, one count for all
    expect(await statementsFor(100)).toBe(3);
    expect(await statementsFor(5)).toBe(3);
  });

  it('pages one carrier’s blocks as before, through the batched loader', async () => {
    const query = `query ($after: String) { carrier(id: "gb:hutchison-3g-uk-ltd") { blocks(first: 50, after: $after) { pageInfo { endCursor } edges { node { prefix } } } } }`;
    const first = await gateway.request(query);
    const second = await gateway.request(query, { after: first.data?.carrier.blocks.pageInfo.endCursor });
    const prefixes = [...first.data?.carrier.blocks.edges, ...second.data?.carrier.blocks.edges].map((e: { node: { prefix: string } }) => e.node.prefix);
    expect(prefixes).toHaveLength(100);
    expect([...prefixes].sort()).toEqual(prefixes);
    expect(new Set(prefixes).size).toBe(100);
  });

  it('never echoes a huge string once per aliased field: the errors stay small', async () => {
    const huge = `+${'1'.repeat(100_000)}`;
    const fields = Array.from({ length: 100 }, (_, i) => `n${i}: number(e164: $v) { e164 } c${i}: carriers(after: $v) { totalCount }`).join(' ');
    const response = await postGraphQLRaw(gateway.url, `query ($v: String!) { ${fields} }`, { v: huge });
    const text = await response.text();
    const result = JSON.parse(text) as GraphQLResult;
    // every number(...) fails alone; a bad cursor on the non-null carriers(...) nulls the whole data
    expect(result.errors?.length).toBeGreaterThanOrEqual(100);
    for (const error of result.errors ?? []) expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('(100001 characters)');
    // an echo of the input per error would be 10 MB and more
    expect(text.length).toBeLessThan(100_000);
  });

  it.each([
    ['carrier(id)', 'query ($v: ID!) { carrier(id: $v) { id } }', 'id'],
    ['block(id)', 'query ($v: ID!) { block(id: $v) { id } }', 'id'],
    ['nameContains', 'query ($v: String) { carriers(filter: { nameContains: $v }) { totalCount } }', 'filter.nameContains'],
  ])('answers a NUL byte in %s as bad input, not an internal error', async (_what, query, argument) => {
    const result = await gateway.request(query, { v: 'bell\u0000canada' });
    expect(result.errors?.[0]).toMatchObject({ message: `${argument} must be at most 200 characters without control characters, got a control character at position 4`, extensions: { code: 'BAD_USER_INPUT' } });
  });
});
