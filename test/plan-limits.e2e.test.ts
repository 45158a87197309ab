/** A request for 7,000 numbers with raised limits is answered in a few bounded statements, past PGlite's bind parameter limit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NUMBERS_PER_LOOKUP } from '../subgraphs/allocations/context.js';
import { prefixesOf } from '../subgraphs/allocations/numbering/e164.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { postGraphQL } from './support/http.js';

/** PGlite fails silently past this many bind parameters in one statement. */
const PGLITE_BIND_LIMIT = 32_768;
const COUNT = 7_000;

/**
 * The embedded default on the imported plan, with the gateway's query-shape limits raised
 * through configuration, as a deployment may: the database must hold without them.
 */
function startGateway(): Promise<TestGateway> {
  return startTestGateway({ env: { MAX_ALIASES: '10000', MAX_ROOT_FIELDS: '10000', MAX_TOKENS: '200000', MAX_COST: '1000000' } });
}

/** `count` distinct UK mobile numbers, the same on every run. */
function manyNumbers(count: number): string[] {
  const numbers = new Set<string>();
  let seed = 7;
  while (numbers.size < count) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    numbers.add(`+447${String(seed % 1_000_000_000).padStart(9, '0')}`);
  }
  return [...numbers];
}

/** The request that used to break the embedded database: one aliased number(...) field per number. */
function manyNumbersRequest(numbers: string[]): string {
  return `{ ${numbers.map((e164, i) => `n${i}: number(e164: "${e164}") { country }`).join(' ')} }`;
}

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway?.close();
});

describe('a request for thousands of numbers', () => {
  it('answers every number, in a few bounded statements, and the next request still answers', { timeout: 180_000 }, async () => {
    const numbers = manyNumbers(COUNT);
    // more candidate prefixes than PGlite takes bind parameters: one parameter per prefix broke it
    expect(new Set(numbers.flatMap((n) => prefixesOf(n.slice(1)))).size).toBeGreaterThan(PGLITE_BIND_LIMIT);
    const allocations = gateway.embedded.subgraphs.allocations!;
    const before = allocations.statements.count;
    const result = await postGraphQL(gateway.url, manyNumbersRequest(numbers));
    expect(result.errors).toBeUndefined();
    expect(Object.keys(result.data ?? {})).toHaveLength(COUNT);
    // UK mobiles, some of them in the Crown Dependencies' ranges
    const countries = new Set(Object.values(result.data ?? {}).map((n: { country: string }) => n.country));
    expect([...countries].sort()).toEqual(['GB', 'GG', 'IM', 'JE']);
    expect(allocations.statements.count - before).toBe(Math.ceil(COUNT / NUMBERS_PER_LOOKUP));

    const next = await postGraphQL(gateway.url, '{ number(e164: "+447400123456") { country block { prefix carrier { name } } } }');
    expect(next).toEqual({ data: { number: { country: 'GB', block: { prefix: '4474001', carrier: { name: 'Hutchison 3G UK Ltd' } } } } });
  });
});
