import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { listen } from '../gateway/server.js';
import { startEmbedded, type Embedded } from '../src/embedded.js';
import { NUMBERS_PER_LOOKUP } from '../subgraphs/allocations/context.js';
import { prefixesOf } from '../subgraphs/allocations/numbering/e164.js';
import { createLogger } from '../subgraphs/shared/logger.js';
import { postGraphQL } from './support/http.js';

/** PGlite fails silently past this many bind parameters in one statement. */
const PGLITE_BIND_LIMIT = 32_768;
const COUNT = 7_000;

/**
 * The embedded default on the imported plan, started with `env`: where a deployment's query-shape
 * limits (aliases per request) are configured, so that this request can be let through them.
 */
async function startGateway(env: Record<string, string | undefined>): Promise<{ url: string; embedded: Embedded }> {
  const snapshot = inject('pgliteSnapshot');
  const embedded = await startEmbedded({
    env,
    logger: createLogger({ LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' }),
    pgliteDir: null,
    ...(snapshot ? { pgliteSnapshot: new Blob([readFileSync(snapshot)]) } : {}),
    importPlan: 'never',
  });
  return { url: await listen(embedded.server, 0, '127.0.0.1'), embedded };
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

let gateway: { url: string; embedded: Embedded };
beforeAll(async () => {
  gateway = await startGateway(process.env);
});
afterAll(async () => {
  await gateway?.embedded.close();
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
