/** Internal failures (the database gone under a running gateway) reach the client masked: a code and a generic message, no detail. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { postGraphQLRaw } from './support/http.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(async () => {
  await gateway?.close();
});

it('masks internal failures: a code and a generic message, no database or subgraph detail', async () => {
  // the database goes away under a running gateway
  await Promise.all(gateway.embedded.databases.map((d) => d.close()));
  const response = await postGraphQLRaw(gateway.url, '{ number(e164: "+447400123456") { block { prefix } } }');
  const body = await response.text();
  expect(JSON.parse(body).errors).toEqual([{ message: 'Internal server error', path: ['number', 'block'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
  expect(body).not.toMatch(/allocations|pglite|postgres|select|destroyed|stack/i);
});
