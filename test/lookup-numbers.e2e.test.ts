/** lookupNumbers for up to 500 numbers in input order, with flat SQL and subgraph fetches, as number(e164) answers each, within cost limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { World } from '../providers/generator/world.js';
import { observeSubgraphFetches, operation, startInventoryGateway, type TestGateway } from './support/gateway.js';

/**
 * lookupNumbers through the gateway at the default limits, over the provider simulator and a
 * synced catalogue: many numbers in one field, every subgraph's Number fields, in input order.
 */
let gateway: TestGateway;
let world: World;
/** Subgraph fetches made so far (every in-process fetch builds one subgraph context). */
let fetches = 0;
beforeAll(async () => {
  gateway = await startInventoryGateway();
  world = gateway.embedded.providers.simulator!.world;
  observeSubgraphFetches(gateway, () => (fetches += 1));
});
afterAll(async () => {
  await gateway?.close();
});

const statements = () => Object.values(gateway.embedded.subgraphs).reduce((n, s) => n + s.statements.count, 0);
const recorder = () => gateway.embedded.providers.directory!.recorder;

/** Fields of all four subgraphs, within the default cost limit for 500 numbers (9 a number). */
const LOOKUP = `query LookupNumbers($e164s: [String!]!) {
  lookupNumbers(e164s: $e164s) {
    e164 country numberType block { prefix } originatingCarrier { id }
    holder { id } tier tierChain { position } status chainMatchesAllocation live { available }
    complianceTrail { complete }
    route { voice { uri } } servingCarrier { id }
  }
}`;

interface Item {
  e164: string;
  country: string;
  holder: { id: string } | null;
  tier: number | null;
  live: { available: boolean } | null;
}

/** Catalogued GB numbers, as the graph lists them. */
async function catalogued(count: number): Promise<string[]> {
  const page = await gateway.request('query($n: Int!) { numbers(first: $n, filter: { country: "GB" }) { edges { node { e164 } } } }', { n: count });
  return page.data!.numbers.edges.map((e: { node: { e164: string } }) => e.node.e164);
}

describe('lookupNumbers', () => {
  it('answers 10, 100 and 500 numbers (one invalid) in input order with the same SQL, subgraph fetches and status calls per holder batch', async () => {
    const known = (await catalogued(500)).reverse();
    const invalidAt = 3;
    const sql: number[] = [];
    const subgraphFetches: number[] = [];
    for (const n of [10, 100, 500]) {
      const input = known.slice(0, n);
      input[invalidAt] = '+44 7400 abc';
      recorder().resetCounts();
      const before = statements();
      const fetchesBefore = fetches;
      const result = await gateway.request<{ lookupNumbers: (Item | null)[] }>(LOOKUP, { e164s: input });
      sql.push(statements() - before);
      subgraphFetches.push(fetches - fetchesBefore);

      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]).toMatchObject({ path: ['lookupNumbers', invalidAt], extensions: { code: 'BAD_USER_INPUT' } });
      expect(result.errors![0]!.message).toMatch(/^e164s\[3\]: .*is not an E\.164 number/);
      const items = result.data!.lookupNumbers;
      expect(items).toHaveLength(n);
      expect(items[invalidAt]).toBeNull();
      const answered = items.filter((item, i) => i !== invalidAt) as Item[];
      expect(answered.map((item) => item.e164)).toEqual(input.filter((_, i) => i !== invalidAt));
      for (const item of answered) {
        expect(item).toMatchObject({ country: 'GB', holder: { id: expect.any(String) }, live: { available: expect.any(Boolean) } });
        expect(item.tier).not.toBeNull();
      }
      // live status: one call per holder per batch limit of its numbers, as InventoryLineage
      const perHolder = new Map<string, number>();
      for (const item of answered) perHolder.set(item.holder!.id, (perHolder.get(item.holder!.id) ?? 0) + 1);
      const expected = Object.fromEntries([...perHolder].map(([id, count]) => [id, { status: Math.ceil(count / world.providers.find((p) => p.id === id)!.batchLimit) }]));
      expect(recorder().callCounts()).toEqual(expected);
    }
    expect(new Set(sql).size).toBe(1);
    expect(new Set(subgraphFetches).size).toBe(1);
  });

  it('answers each number as number(e164) does, a repeated number at each of its indexes', async () => {
    const [a, b] = await catalogued(2);
    const lineage = operation('Lineage');
    const fields = lineage.slice(lineage.indexOf('number(e164: $e164) {') + 'number(e164: $e164) {'.length, lineage.lastIndexOf('}'));
    const lookup = await gateway.request(`query($e: [String!]!) { lookupNumbers(e164s: $e) { ${fields.slice(0, fields.lastIndexOf('}'))} } }`, { e: [a, '+447400123456', b, a] });
    expect(lookup.errors).toBeUndefined();
    const single = async (e164: string) => (await gateway.request(lineage, { e164 })).data!.number;
    expect(lookup.data!.lookupNumbers).toEqual([await single(a!), await single('+447400123456'), await single(b!), await single(a!)]);
  });

  it('refuses more than 500 numbers, and counts the selection once per number against the cost limit', async () => {
    const tooMany = await gateway.request(LOOKUP, { e164s: Array.from({ length: 501 }, () => '+447400123456') });
    expect(tooMany.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(tooMany.errors![0]!.message).toMatch(/501 numbers; at most 500/);
    const heavy = 'query($e: [String!]!) { lookupNumbers(e164s: $e) { block { carrier { authority { name } } } tierChain { provider { id } } } }';
    const numbers = await catalogued(500);
    expect((await gateway.request(heavy, { e: numbers.slice(0, 10) })).errors).toBeUndefined();
    const refused = await gateway.request(heavy, { e: numbers });
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['COST_LIMIT_EXCEEDED']);
  });
});
