/** Ordering with API keys through the production gateway: persisted OrderNumbers for partners, refused free text, one winner of 10 tenants. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readProjectManifest } from '../gateway/operations/manifest.js';
import { operation, startInventoryGateway, type TestGateway } from './support/gateway.js';
import { postJson } from './support/http.js';

/**
 * Ordering numbers as clients do: with their API keys, through the real HTTP gateway in
 * production mode, over the provider simulator. (test/inventory.e2e.test.ts orders on the
 * subgraph with a scope; this file checks that the edge hands that scope over from the key.)
 */
let gateway: TestGateway;
/** Available numbers of the simulated world, each used by one test. */
let stock: string[] = [];

beforeAll(async () => {
  gateway = await startInventoryGateway({ env: { NUMBERGRAPH_MODE: 'production' } });
  stock = gateway.embedded.providers.simulator!.world.numbers.filter((n) => n.status === 'available' && n.country === 'GB').map((n) => n.e164);
});
afterAll(async () => {
  await gateway?.close();
});

const ORDER_NUMBERS_ID = readProjectManifest().operations.find((o) => o.name === 'OrderNumbers')!.id;
const takeNumber = () => stock.shift()!;
const keyFor = async (role: 'partner' | 'frontend' | 'analyst', tenant: string | null) => (await gateway.embedded.keys.create({ role, tenant, name: `orders e2e ${role}` })).key;
const post = async (body: unknown, key: string) => (await postJson(gateway.url, body, { authorization: `Bearer ${key}` })).json();
const byPersistedId = (variables: Record<string, unknown>) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: ORDER_NUMBERS_ID } }, variables });

it('orders for a partner that runs OrderNumbers by its persisted id, and gives its tenant the order', async () => {
  const partner = await keyFor('partner', 'orders-partner');
  const e164 = takeNumber();
  const input = { numbers: [e164], idempotencyKey: 'partner-1' };
  const placed = await post(byPersistedId({ input }), partner);
  expect(placed.errors).toBeUndefined();
  const { order, userErrors } = placed.data.orderNumbers;
  expect(userErrors).toEqual([]);
  expect(order).toMatchObject({ status: 'COMPLETED', numbers: [{ e164, status: 'COMPLETED', holder: { id: expect.any(String) } }] });
  // the same key and input: the first order again
  expect(await post(byPersistedId({ input }), partner)).toEqual(placed);
  // the order is the tenant's: another key of the tenant sees it, another tenant does not
  const ORDER = 'query($id: ID!) { order(id: $id) { id status } }';
  expect((await post({ query: ORDER, variables: { id: order.id } }, await keyFor('frontend', 'orders-partner'))).data.order).toEqual({ id: order.id, status: 'COMPLETED' });
  expect((await post({ query: ORDER, variables: { id: order.id } }, await keyFor('frontend', 'orders-other'))).data.order).toBeNull();
});

it('refuses a partner\'s free-text mutation, and an analyst\'s orderNumbers', async () => {
  const input = { numbers: [takeNumber()], idempotencyKey: 'refused-1' };
  const partner = await post({ query: operation('OrderNumbers'), variables: { input } }, await keyFor('partner', 'orders-partner'));
  expect(partner.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
  expect(partner.data ?? null).toBeNull();
  const analyst = await post({ query: operation('OrderNumbers'), variables: { input } }, await keyFor('analyst', null));
  expect(analyst.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['FORBIDDEN']);
  expect(analyst.data ?? null).toBeNull();
  // nothing was ordered: the number is still in stock for anyone
  const view = await post({ query: 'query($e164: String!) { number(e164: $e164) { status } }', variables: { e164: input.numbers[0] } }, await keyFor('frontend', 'orders-other'));
  expect(view.data.number).toEqual({ status: 'AVAILABLE' });
});

it('gives a number to exactly one of 10 tenants ordering it at once through the gateway', async () => {
  const e164 = takeNumber();
  const tenants = Array.from({ length: 10 }, (_, i) => `orders-race-${i}`);
  const keys = await Promise.all(tenants.map((tenant) => keyFor('frontend', tenant)));
  const recorder = gateway.embedded.providers.directory!.recorder;
  recorder.resetCounts();
  const answers = await Promise.all(keys.map((key, i) => post({ query: operation('OrderNumbers'), variables: { input: { numbers: [e164], idempotencyKey: `race-${i}` } } }, key)));
  for (const answer of answers) expect(answer.errors).toBeUndefined();
  const payloads = answers.map((a) => a.data.orderNumbers);
  const winners = payloads.filter((p) => p.order.status === 'COMPLETED');
  expect(winners).toHaveLength(1);
  for (const loser of payloads.filter((p) => p.order.status !== 'COMPLETED')) {
    expect(loser.order.status).toBe('FAILED');
    expect(loser.userErrors).toEqual([{ code: 'NOT_AVAILABLE', message: `${e164} is not available`, field: ['input', 'numbers', '0'] }]);
  }
  // one order reached the provider
  expect(recorder.callCount(undefined, 'order')).toBe(1);
  // the winner's key sees the number assigned; every other tenant's key sees it unavailable
  const STATUS = 'query($e164: String!) { number(e164: $e164) { status } }';
  const winner = payloads.indexOf(winners[0]);
  const statuses = await Promise.all(keys.map(async (key) => (await post({ query: STATUS, variables: { e164 } }, key)).data.number.status));
  expect(statuses).toEqual(keys.map((_, i) => (i === winner ? 'ASSIGNED' : 'UNAVAILABLE')));
});
