/** Signed webhooks to a loopback receiver: address rules, delivered once and verified, retries, no redirects, secret rotation. */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startInventoryGateway, type TestGateway } from './support/gateway.js';
import { fakeDns, orderNumber, tenantKey } from './support/routing.js';
import { eventually } from './support/eventually.js';

/**
 * Signed webhooks through the gateway over HTTP: a receiver on loopback (allowed by
 * ROUTING_ALLOW_HOSTS) gets each event once, verified with the `standardwebhooks` package;
 * failed attempts are retried (short backoff here) and every attempt is listed.
 */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let gateway: TestGateway;
let receiver: Server;
let base = '';
const received: Received[] = [];
/** How many more requests to /flaky answer 500. */
let flakyFailures = 3;
let stock: string[] = [];
const dns = fakeDns();
const run = randomBytes(3).toString('hex');

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (req.url === '/flaky' && flakyFailures > 0) {
        flakyFailures--;
        res.writeHead(500).end('try later');
      } else if (req.url === '/redirect') res.writeHead(302, { location: 'http://127.0.0.1:1/' }).end();
      else res.writeHead(204).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  gateway = await startInventoryGateway({
    env: { ROUTING_ALLOW_HOSTS: '127.0.0.1', ROUTING_WEBHOOK_RETRY_BASE_MS: '50' },
    providers: { simulator: { instant: true, orderDelayMs: 5 }, routing: { resolve: dns.resolve } },
  });
  stock = gateway.embedded.providers.simulator!.world.numbers.filter((n) => n.status === 'available' && n.country === 'GB').map((n) => n.e164);
});
afterAll(async () => {
  await gateway?.close();
  receiver?.closeAllConnections();
  receiver?.close();
});

const REGISTER = `mutation($input: RegisterWebhookEndpointInput!) { registerWebhookEndpoint(input: $input) { endpoint { id url topics } secret userErrors { code message field } } }`;
const DELIVERIES = `query($endpointId: ID, $first: Int) { webhookDeliveries(endpointId: $endpointId, first: $first) { edges { node { eventId eventType endpointId attempt statusCode latencyMs error nextAttemptAt attemptedAt } } pageInfo { hasNextPage } } }`;

async function register(headers: Record<string, string>, url: string, topics?: string[]) {
  const answer = await gateway.request(REGISTER, { input: { url, ...(topics ? { topics } : {}) } }, headers);
  expect(answer.errors).toBeUndefined();
  return answer.data!.registerWebhookEndpoint as { endpoint: { id: string; url: string; topics: string[] } | null; secret: string | null; userErrors: { code: string; message: string; field: string[] }[] };
}

const deliveries = async (headers: Record<string, string>, endpointId: string) =>
  (await gateway.request(DELIVERIES, { endpointId, first: 50 }, headers)).data!.webhookDeliveries.edges.map((e: { node: Record<string, unknown> }) => e.node) as Record<string, any>[];

it('refuses an http: URL, private and metadata addresses and a name that resolves to one, naming the field', async () => {
  // 127.0.0.1 is allowed in this file (the receiver): test/routing.e2e.test.ts refuses loopback with the same check
  const headers = await tenantKey(gateway, `hooks-refused-${run}`);
  dns.set('private.example.com', '192.168.1.20');
  for (const url of ['http://hooks.example.com/in', 'https://10.1.2.3/in', 'https://169.254.169.254/', 'https://[fd00::1]/', 'https://[::ffff:10.0.0.1]/', 'https://private.example.com/in', 'https://user:pw@hooks.example.com/', 'ftp://hooks.example.com/']) {
    const { endpoint, secret, userErrors } = await register(headers, url);
    expect(endpoint, url).toBeNull();
    expect(secret).toBeNull();
    expect(userErrors, url).toEqual([{ code: 'INVALID', message: expect.any(String), field: ['input', 'url'] }]);
  }
});

it('delivers number.assigned once per event id, signed so that standardwebhooks verifies it', async () => {
  const headers = await tenantKey(gateway, `hooks-a-${run}`);
  const { endpoint, secret, userErrors } = await register(headers, `${base}/ok-${run}`, ['NUMBER']);
  expect(userErrors).toEqual([]);
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{20,}$/);
  expect(endpoint).toMatchObject({ url: `${base}/ok-${run}`, topics: ['NUMBER'] });
  // the secret is shown once: the endpoint as listed has none
  const listed = await gateway.request('{ webhookEndpoints(first: 10) { edges { node { id url } } } }', {}, headers);
  expect(listed.data!.webhookEndpoints.edges).toEqual([{ node: { id: endpoint!.id, url: `${base}/ok-${run}` } }]);

  const e164 = stock.shift()!;
  await orderNumber(gateway, headers, e164);
  const mine = () => received.filter((r) => r.path === `/ok-${run}`);
  const assigned = await eventually(async () => {
    const found = mine().filter((r) => JSON.parse(r.body).type === 'number.assigned');
    return found.length > 0 ? found : undefined;
  });
  // a while longer: nothing repeats
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const ids = mine().map((r) => r.headers['webhook-id']);
  expect(new Set(ids).size).toBe(ids.length);
  expect(mine().filter((r) => JSON.parse(r.body).type === 'number.assigned')).toHaveLength(1);
  const [message] = assigned;
  const verified = new Webhook(secret!).verify(message!.body, {
    'webhook-id': message!.headers['webhook-id'] as string,
    'webhook-timestamp': message!.headers['webhook-timestamp'] as string,
    'webhook-signature': message!.headers['webhook-signature'] as string,
  });
  expect(verified).toMatchObject({ type: 'number.assigned', data: { e164 } });
  expect(JSON.parse(message!.body).id).toBe(message!.headers['webhook-id']);
  // another secret does not verify it
  expect(() => new Webhook(`whsec_${randomBytes(24).toString('base64')}`).verify(message!.body, message!.headers as Record<string, string>)).toThrow();
  // the attempts are listed: each delivered at its first attempt
  const attempts = await deliveries(headers, endpoint!.id);
  expect(attempts.find((a) => a.eventType === 'number.assigned')).toMatchObject({ eventId: message!.headers['webhook-id'], attempt: 1, statusCode: 204, error: null, nextAttemptAt: null });
  // another tenant sees none of them
  expect(await deliveries(await tenantKey(gateway, `hooks-b-${run}`), endpoint!.id)).toEqual([]);
});

it('retries a receiver that answers 500 three times: the fourth attempt arrives, all four listed', async () => {
  const headers = await tenantKey(gateway, `hooks-flaky-${run}`);
  const { endpoint, secret } = await register(headers, `${base}/flaky`, ['NUMBER']);
  const e164 = stock.shift()!;
  await orderNumber(gateway, headers, e164);
  const attempts = await eventually(async () => {
    const listed = (await deliveries(headers, endpoint!.id)).filter((a) => a.eventType === 'number.claimed');
    return listed.length >= 4 ? listed : undefined;
  }, 30_000, 'four attempts');
  // newest first
  expect(attempts.map((a) => [a.attempt, a.statusCode, a.error])).toEqual([
    [4, 204, null],
    [3, 500, 'answered 500'],
    [2, 500, 'answered 500'],
    [1, 500, 'answered 500'],
  ]);
  expect(new Set(attempts.map((a) => a.eventId)).size).toBe(1);
  for (const failed of attempts.slice(1)) expect(Date.parse(failed.nextAttemptAt)).toBeGreaterThan(Date.parse(failed.attemptedAt));
  expect(attempts[0]!.nextAttemptAt).toBeNull();
  for (const attempt of attempts) expect(attempt.latencyMs).toEqual(expect.any(Number));
  // in order per number: the claim's four attempts came before the assignment's first
  // (the assignment's delivery follows the fourth attempt's answer: wait for it to arrive)
  const forNumber = await eventually(async () => {
    const flaky = received.filter((r) => r.path === '/flaky').map((r) => JSON.parse(r.body) as { type: string; data: { e164: string } });
    const types = flaky.filter((m) => m.data.e164 === e164).map((m) => m.type);
    return types.length >= 5 ? types : undefined;
  }, 30_000, 'the assignment after the claim');
  expect(forNumber.slice(0, 5)).toEqual(['number.claimed', 'number.claimed', 'number.claimed', 'number.claimed', 'number.assigned']);
  // every attempt verifies with the endpoint's secret
  for (const r of received.filter((r) => r.path === '/flaky')) expect(() => new Webhook(secret!).verify(r.body, r.headers as Record<string, string>)).not.toThrow();
});

it('refuses at delivery a name that resolves to a private address after it was saved, as a failed attempt', async () => {
  const headers = await tenantKey(gateway, `hooks-rebind-${run}`);
  dns.set('rebind.example.com', '93.184.216.34');
  const { endpoint, userErrors } = await register(headers, 'https://rebind.example.com/hook', ['NUMBER']);
  expect(userErrors).toEqual([]);
  dns.set('rebind.example.com', '10.0.0.7');
  await orderNumber(gateway, headers, stock.shift()!);
  const [first] = await eventually(async () => {
    const listed = await deliveries(headers, endpoint!.id);
    return listed.length > 0 ? listed.reverse() : undefined;
  });
  expect(first).toMatchObject({ attempt: 1, statusCode: null, error: 'refused: rebind.example.com resolves to 10.0.0.7, a private address, which is not allowed', nextAttemptAt: expect.any(String) });
});

it('does not follow a redirect: a 3xx is a failed attempt', async () => {
  const headers = await tenantKey(gateway, `hooks-redirect-${run}`);
  const { endpoint } = await register(headers, `${base}/redirect`, ['NUMBER']);
  await orderNumber(gateway, headers, stock.shift()!);
  const [first] = await eventually(async () => {
    const listed = await deliveries(headers, endpoint!.id);
    return listed.length > 0 ? listed.reverse() : undefined;
  });
  expect(first).toMatchObject({ attempt: 1, statusCode: 302, error: 'answered 302 (redirects are not followed)' });
});

it('rotates a secret: the new one is shown once and both verify for 24 h; another tenant cannot rotate or delete it', async () => {
  const headers = await tenantKey(gateway, `hooks-rotate-${run}`);
  const { endpoint, secret: old } = await register(headers, `${base}/rotate-${run}`, ['NUMBER']);
  const ROTATE = 'mutation($id: ID!) { rotateWebhookSecret(id: $id) { endpoint { id } secret userErrors { code field } } }';
  const DELETE = 'mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { endpoint { id } userErrors { code field } } }';
  const other = await tenantKey(gateway, `hooks-rotate-other-${run}`);
  expect((await gateway.request(ROTATE, { id: endpoint!.id }, other)).data!.rotateWebhookSecret).toEqual({ endpoint: null, secret: null, userErrors: [{ code: 'NOT_FOUND', field: ['id'] }] });
  expect((await gateway.request(DELETE, { id: endpoint!.id }, other)).data!.deleteWebhookEndpoint).toEqual({ endpoint: null, userErrors: [{ code: 'NOT_FOUND', field: ['id'] }] });
  const rotated = (await gateway.request(ROTATE, { id: endpoint!.id }, headers)).data!.rotateWebhookSecret;
  expect(rotated).toMatchObject({ endpoint: { id: endpoint!.id }, userErrors: [] });
  expect(rotated.secret).toMatch(/^whsec_/);
  expect(rotated.secret).not.toBe(old);
  await orderNumber(gateway, headers, stock.shift()!);
  const message = await eventually(async () => received.find((r) => r.path === `/rotate-${run}`));
  for (const secret of [old!, rotated.secret as string]) expect(() => new Webhook(secret).verify(message.body, message.headers as Record<string, string>)).not.toThrow();
  // deleted: no longer listed
  expect((await gateway.request(DELETE, { id: endpoint!.id }, headers)).data!.deleteWebhookEndpoint).toEqual({ endpoint: { id: endpoint!.id }, userErrors: [] });
  expect((await gateway.request('{ webhookEndpoints { edges { node { id } } } }', {}, headers)).data!.webhookEndpoints.edges).toEqual([]);
});
