/** The provider HTTP client (timeouts, read retries, circuit breaker, bulkhead, orders), the directory, and API health quantiles. */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type StartedSimulator } from '../simulator/server.js';
import { ProviderDirectory } from './directory.js';
import { ProviderError } from './errors.js';
import { ApiHealthRecorder } from './health.js';
import { HttpProviderClient, type ClientPolicyOverrides } from './http.js';

let sim: StartedSimulator;
const clients: HttpProviderClient[] = [];
beforeAll(async () => {
  sim = await startSimulator({ port: 0, instant: true, orderDelayMs: 5 });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(() => sim?.close());

/** A client of the n-th provider (each test its own, so that behaviours do not leak). */
function clientOf(n: number, policy: ClientPolicyOverrides) {
  const provider = sim.world.providers[n]!;
  const recorder = new ApiHealthRecorder();
  const client = new HttpProviderClient(provider.id, `${sim.url}/providers/${provider.id}/`, recorder, { backoff: { initialDelayMs: 1, maxDelayMs: 5 }, ...policy });
  clients.push(client);
  const someNumbers = sim.world.offers.filter((o) => o.providerId === provider.id).map((o) => o.e164);
  return { provider, recorder, client, someNumbers };
}

const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a ProviderError'), (error: unknown) => error as ProviderError);

describe('HttpProviderClient', () => {
  it('gives up on a slow provider after the call timeout', async () => {
    const { provider, recorder, client } = clientOf(0, { timeoutMs: 50, readRetries: 0 });
    sim.setBehaviour(provider.id, { latencyMs: { min: 400, max: 400 } });
    const error = await failure(client.profile());
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.kind).toBe('timeout');
    expect(recorder.health(provider.id, '5m')).toMatchObject({ calls: 1, failures: 1, timeouts: 1, errorRate: 1, availability: 0 });
    sim.setBehaviour(provider.id, { latencyMs: { min: 0, max: 0 } });
  });

  it('retries reads after a failure, never reserve, order or release', async () => {
    const { provider, recorder, client, someNumbers } = clientOf(1, { readRetries: 2, breaker: { consecutiveFailures: 100 } });
    sim.setBehaviour(provider.id, { errorRate: 1 });
    expect((await failure(client.statusBatch(someNumbers.slice(0, 2)))).kind).toBe('unavailable');
    expect(recorder.callCount(provider.id, 'status')).toBe(3);
    expect((await failure(client.reserve({ numbers: someNumbers.slice(0, 1), ttlSeconds: 60, reference: 'r' }))).kind).toBe('unavailable');
    expect((await failure(client.order({ numbers: someNumbers.slice(0, 1), reference: 'r' }, 'key-1'))).kind).toBe('unavailable');
    expect((await failure(client.release({ numbers: someNumbers.slice(0, 1) }))).kind).toBe('unavailable');
    expect(recorder.callCounts()).toEqual({ [provider.id]: { status: 3, reserve: 1, order: 1, release: 1 } });

    sim.setBehaviour(provider.id, { errorRate: 0, batchLimit: 2 });
    recorder.resetCounts();
    const tooMany = await failure(client.statusBatch(someNumbers.slice(0, 3)));
    expect(tooMany).toMatchObject({ kind: 'rejected', httpStatus: 400, code: 'batch_too_large' });
    expect(recorder.callCount(provider.id)).toBe(1); // a refusal is not retried
  });

  it('opens the circuit after consecutive failures, stops calling, and closes again after the cooldown', async () => {
    const { provider, recorder, client } = clientOf(2, { readRetries: 0, breaker: { consecutiveFailures: 3, halfOpenAfterMs: 150 } });
    sim.setBehaviour(provider.id, { down: true });
    for (let i = 0; i < 3; i++) expect((await failure(client.profile())).kind).toBe('unavailable');
    expect(client.circuit).toBe('open');
    expect((await failure(client.profile())).kind).toBe('circuit_open');
    expect(recorder.callCount(provider.id)).toBe(3);
    expect(recorder.health(provider.id, '5m')).toMatchObject({ calls: 3, failures: 3, shortCircuited: 1, availability: 0 });

    sim.setBehaviour(provider.id, { down: false });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await client.profile()).toMatchObject({ id: provider.id });
    expect(client.circuit).toBe('closed');
    expect(recorder.callCount(provider.id)).toBe(4);
    expect(recorder.health(provider.id, '1h')).toMatchObject({ calls: 4, failures: 3, availability: 0.2, errorRate: 0.75 });
  });

  it('bounds the calls in flight to one provider and refuses beyond its queue without calling', async () => {
    const { provider, recorder, client } = clientOf(4, { maxConcurrent: 1, maxQueued: 1, readRetries: 0 });
    sim.setBehaviour(provider.id, { latencyMs: { min: 100, max: 100 } });
    const outcomes = await Promise.allSettled([client.profile(), client.profile(), client.profile()]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ kind: 'overloaded' });
    expect(recorder.callCount(provider.id)).toBe(2);
    sim.setBehaviour(provider.id, { latencyMs: { min: 0, max: 0 } });
  });

  it('reserves, orders and follows the order to completion', async () => {
    const { provider, client } = clientOf(3, {});
    const status = await client.statusBatch(sim.world.offers.filter((o) => o.providerId === provider.id).map((o) => o.e164).slice(0, provider.batchLimit));
    const free = status.find((s) => s.found && s.available)!.e164;
    expect((await client.reserve({ numbers: [free], ttlSeconds: 30, reference: 'buyer' })).results).toEqual([{ e164: free, ok: true }]);
    const accepted = await client.order({ numbers: [free], reference: 'buyer' }, 'order-1');
    expect(await client.waitForOrder(accepted.orderId, { intervalMs: 5 })).toEqual({ orderId: accepted.orderId, status: 'completed', results: [{ e164: free, status: 'completed' }] });
    expect(await client.release({ numbers: [free] })).toEqual({ results: [{ e164: free, ok: true }] });
  });
});

describe('HttpProviderClient against a provider that breaks the API', () => {
  it('refuses an answer of the wrong shape with a malformed failure naming the field, counted as a failure that trips the breaker', async () => {
    // a provider whose status answer has a status no provider may report, and whose profile is not JSON
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url?.endsWith('/numbers/status')) res.end(JSON.stringify({ results: [{ e164: '+447700900123', found: true, status: 'lost', available: true, setupPrice: { amount: '1.00', currency: 'GBP' }, monthlyPrice: { amount: '1.00', currency: 'GBP' } }] }));
      else res.end('<html>');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const recorder = new ApiHealthRecorder();
    const client = new HttpProviderClient('p-broken', `http://127.0.0.1:${(server.address() as AddressInfo).port}/providers/p-broken/`, recorder, { readRetries: 0, breaker: { consecutiveFailures: 2 } });
    try {
      const bad = await failure(client.statusBatch(['+447700900123']));
      expect(bad).toBeInstanceOf(ProviderError);
      expect(bad).toMatchObject({ providerId: 'p-broken', operation: 'status', kind: 'malformed', httpStatus: 200 });
      expect(bad.message).toMatch(/^p-broken status: answered 200 with a malformed body: results\[0\]\.status /);
      const notJson = await failure(client.profile());
      expect(notJson.message).toBe('p-broken profile: answered 200 with a malformed body: the body is not JSON');
      expect(recorder.health('p-broken', '5m')).toMatchObject({ calls: 2, failures: 2 });
      // two malformed answers in a row: the breaker opens, as after two 5xx
      expect(client.circuit).toBe('open');
      expect((await failure(client.profile())).kind).toBe('circuit_open');
    } finally {
      await client.close();
      server.close();
    }
  });
});

describe('ProviderDirectory', () => {
  it('discovers every provider and builds one client each, recording into one recorder', async () => {
    const directory = await ProviderDirectory.discover(sim.url, { policy: { readRetries: 0 } });
    try {
      expect(directory.all().map((c) => c.providerId)).toEqual(sim.world.providers.map((p) => p.id));
      const last = sim.world.providers.at(-1)!;
      expect((await directory.get(last.id)!.profile()).name).toBe(last.name);
      expect(directory.recorder.callCounts()).toEqual({ [last.id]: { profile: 1 } });
    } finally {
      await directory.close();
    }
  });
});

describe('ApiHealthRecorder', () => {
  it('computes latency quantiles, error rate and availability over the last 5 minutes and the last hour', () => {
    let now = Date.parse('2026-01-01T10:00:30Z');
    const recorder = new ApiHealthRecorder({ now: () => now });
    const seen: string[] = [];
    recorder.onCall((call) => seen.push(call.outcome));
    for (let ms = 1; ms <= 100; ms++) recorder.record({ providerId: 'p', operation: 'status', outcome: 'ok', latencyMs: ms });
    now += 10 * 60_000;
    for (let i = 0; i < 8; i++) recorder.record({ providerId: 'p', operation: 'search', outcome: 'failed', latencyMs: 1000 });
    recorder.record({ providerId: 'p', operation: 'search', outcome: 'rejected', latencyMs: 1000 });
    recorder.record({ providerId: 'p', operation: 'search', outcome: 'ok', latencyMs: 1000 });
    recorder.record({ providerId: 'p', operation: 'search', outcome: 'short_circuited', latencyMs: null });

    expect(recorder.health('p', '5m')).toEqual({ window: '5m', calls: 10, failures: 8, timeouts: 0, shortCircuited: 1, errorRate: 0.9, availability: 2 / 11, latencyMs: { p50: 1000, p95: 1000, p99: 1000 } });
    expect(recorder.health('p', '1h')).toMatchObject({ calls: 110, failures: 8, errorRate: 9 / 110, latencyMs: { p50: 55, p95: 1000, p99: 1000 } });
    now += 55 * 60_000;
    expect(recorder.health('p', '1h')).toMatchObject({ calls: 10, latencyMs: { p50: 1000 } });
    now += 10 * 60_000;
    expect(recorder.health('p', '1h')).toMatchObject({ calls: 0, errorRate: null, availability: null, latencyMs: null });
    expect(recorder.callCounts()).toEqual({ p: { status: 100, search: 10 } });
    expect(seen).toHaveLength(111);
  });

  it('takes exact quantiles of the calls of one window', () => {
    const recorder = new ApiHealthRecorder({ now: () => 0 });
    for (let ms = 100; ms >= 1; ms--) recorder.record({ providerId: 'q', operation: 'profile', outcome: 'ok', latencyMs: ms });
    expect(recorder.health('q', '5m').latencyMs).toEqual({ p50: 50, p95: 95, p99: 99 });
  });
});
