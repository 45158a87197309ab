/** REQUEST_TIMEOUT_MS: REQUEST_TIMEOUT at the request deadline while a subgraph hangs, and a bad value refused by name. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.js';

/**
 * REQUEST_TIMEOUT_MS: one deadline for the whole request, below what the subgraph fetches'
 * own timeouts would add up to.
 */
let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway({ env: { SUBGRAPH_TIMEOUT_MS: '5000', REQUEST_TIMEOUT_MS: '600' } });
});
afterAll(async () => {
  await gateway?.close();
});

it('answers REQUEST_TIMEOUT at the request deadline while a subgraph hangs within its own timeout', async () => {
  const field = gateway.embedded.subgraphs.allocations!.schema.getQueryType()!.getFields().number!;
  const original = field.resolve!;
  field.resolve = async (...args) => {
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    return original(...args);
  };
  try {
    const started = performance.now();
    const body = await gateway.request('{ number(e164: "+447400123456") { country } }');
    const elapsed = performance.now() - started;
    expect(body.errors?.[0]?.extensions?.code).toBe('REQUEST_TIMEOUT');
    // answered at the deadline (600 ms), well before the hung fetch (3 s) or its timeout (5 s); generous margin
    expect(elapsed).toBeLessThan(2_500);
  } finally {
    field.resolve = original;
  }
  // and a request within the deadline is answered as usual
  expect(await gateway.request('{ number(e164: "+447400123456") { country } }')).toEqual({ data: { number: { country: 'GB' } } });
});

it('refuses a REQUEST_TIMEOUT_MS that is not a number, naming it', async () => {
  const { readGatewaySettings } = await import('../gateway/settings.js');
  expect(() => readGatewaySettings({ REQUEST_TIMEOUT_MS: 'soon' }, { subgraphsOverHttp: false })).toThrow(/REQUEST_TIMEOUT_MS/);
});
