/** With Redis down from the start, the gateway serves without waiting, APQ from memory, rate limit per process, /ready degraded. */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { postJson } from './support/http.js';

/**
 * REDIS_URL at a closed port (Redis down from the start): the gateway serves as fast as without
 * it, the rate limit holds per process, APQ works from memory, and /ready says it is degraded.
 */
let gateway: TestGateway;
const LIMIT = 8;

beforeAll(async () => {
  gateway = await startTestGateway({ env: { REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_REQUESTS: String(LIMIT), METRICS_PORT: '0' } });
});
afterAll(async () => {
  await gateway?.close();
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

it('serves without waiting on Redis, keeps APQ in memory and the rate limit per process, and reports degraded', async () => {
  // a dead Redis used to cost 2 to 6 s a request (12 s an APQ registration), growing as its
  // offline queue grew: 2 s each is a generous margin for "no wait" on a busy machine
  const NO_WAIT_MS = 2_000;
  const timed = async (body: unknown) => {
    const started = Date.now();
    const response = await postJson(gateway.url, body);
    return { response, ms: Date.now() - started };
  };
  const first = await timed({ query: '{ __typename }' });
  expect(first.response.status).toBe(200);
  expect(first.ms).toBeLessThan(NO_WAIT_MS);

  const query = `{ __typename }\n# ${randomBytes(6).toString('hex')}`;
  const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
  const registered = await timed({ query, extensions });
  expect(await registered.response.json()).toEqual({ data: { __typename: 'Query' } });
  expect(registered.ms).toBeLessThan(NO_WAIT_MS);
  const byHash = await timed({ extensions });
  expect(await byHash.response.json()).toEqual({ data: { __typename: 'Query' } });

  // three requests so far: the rest of the budget passes, the next is refused
  for (let sent = 3; sent < LIMIT; sent += 1) expect((await timed({ query: '{ __typename }' })).response.status).toBe(200);
  const limited = await timed({ query: '{ __typename }' });
  expect(limited.response.status).toBe(429);
  expect(limited.ms).toBeLessThan(NO_WAIT_MS);

  const ready = await fetch(new URL('/ready', gateway.url));
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ ready: true, degraded: ['redis'] });
  const metrics = await (await fetch(gateway.embedded.gateway.metricsUrl!)).text();
  expect(metrics).toMatch(/numbergraph_dependency_up\{dependency="redis"\} 0/);
});
