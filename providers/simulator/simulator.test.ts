/** The provider simulator: directory, feeds, search caps, status batches, idempotent orders, reservations, aging, validation, faults. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCountryCallingCode, type CountryCode } from 'libphonenumber-js/max';
import type { FeedItem, InventoryPage, OrderState, ProviderProfile, ReserveResponse, SearchResponse, StatusResponse } from '../api.js';
import type { WorldOffer } from '../generator/world.js';
import { startSimulator, type StartedSimulator } from './server.js';

let now = Date.parse('2026-01-01T00:00:00Z');
let sim: StartedSimulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, instant: true, orderDelayMs: 5, agingSeconds: 600, clock: () => now });
});
afterAll(() => sim?.close());

async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sim.url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as T };
}
const post = <T>(provider: string, path: string, body: unknown, headers?: Record<string, string>) => call<T>('POST', `/providers/${provider}/${path}`, body, headers);
const statusOf = async (provider: string, e164: string) => (await post<StatusResponse>(provider, 'numbers/status', { numbers: [e164] })).body.results[0];

/** An available number offered both directly and by a reseller (a resale: its source still offers it), not used by another test. */
const used = new Set<string>();
function resoldAvailable(): { number: string; direct: string; reseller: string } {
  const status = new Map(sim.world.numbers.map((n) => [n.e164, n.status]));
  const offer = sim.world.offers.find((o): o is WorldOffer => o.source.providerId !== null && o.source.carrierId === null && status.get(o.e164) === 'available' && !used.has(o.e164))!;
  used.add(offer.e164);
  return { number: offer.e164, direct: offer.source.providerId!, reseller: offer.providerId };
}

describe('provider simulator', () => {
  it('lists every provider in its directory, each with a profile', async () => {
    const { body } = await call<{ providers: { id: string; baseUrl: string }[] }>('GET', '/directory');
    expect(body.providers.map((p) => p.id)).toEqual(sim.world.providers.map((p) => p.id));
    const carrier = sim.world.providers.find((p) => p.tier === 0)!;
    const profile = (await call<ProviderProfile>('GET', new URL(`${body.providers.find((p) => p.id === carrier.id)!.baseUrl}profile`).pathname)).body;
    expect(profile).toEqual({ id: carrier.id, name: carrier.name, carrierId: carrier.carrierId, batchLimit: carrier.batchLimit, pageCap: carrier.pageCap });
  });

  it('pages through a feed, then returns only what changed since the last cursor', async () => {
    const { number, direct, reseller } = resoldAvailable();
    const read = async (provider: string, cursor?: string) => {
      const items: FeedItem[] = [];
      for (;;) {
        const page = (await call<InventoryPage>('GET', `/providers/${provider}/inventory?limit=50${cursor ? `&cursor=${cursor}` : ''}`)).body;
        items.push(...page.items);
        cursor = page.nextCursor;
        if (!page.hasMore) return { items, cursor };
      }
    };
    const full = await read(reseller);
    expect(full.items.map((i) => i.e164).sort()).toEqual(sim.world.offers.filter((o) => o.providerId === reseller).map((o) => o.e164).sort());
    expect((await read(reseller, full.cursor)).items).toEqual([]);

    const reserved = await post<ReserveResponse>(direct, 'reservations', { numbers: [number], ttlSeconds: 60, reference: 'feed-test' });
    expect(reserved.body.results).toEqual([{ e164: number, ok: true }]);
    const changed = await read(reseller, full.cursor);
    expect(changed.items).toMatchObject([{ e164: number, status: 'reserved', removed: false, source: { providerId: direct } }]);

    expect(sim.withdraw(reseller, [number])).toBe(1);
    expect((await read(reseller, changed.cursor)).items).toMatchObject([{ e164: number, removed: true }]);
    expect((await call('GET', `/providers/${reseller}/inventory?cursor=nonsense`)).status).toBe(400);
    sim.setBehaviour(reseller, { pageCap: 3 });
    const capped = (await call<InventoryPage>('GET', `/providers/${reseller}/inventory?limit=50`)).body;
    expect([capped.items.length, capped.hasMore]).toEqual([3, true]);
  });

  it('caps a search at the provider page cap and says it was truncated', async () => {
    const provider = sim.world.providers.find((p) => p.tier === 1)!;
    const [country, numberType] = provider.markets[0]!.split(':');
    sim.setBehaviour(provider.id, { pageCap: 5 });
    const { body } = await post<SearchResponse>(provider.id, 'search', { country, numberType, limit: 50 });
    expect(body.numbers).toHaveLength(5);
    expect(body.truncated).toBe(true);
    expect(body.numbers.every((n) => n.country === country && n.numberType === numberType && n.status === 'available')).toBe(true);
    const digit = body.numbers[0]!.e164.slice(-1);
    const ending = await post<SearchResponse>(provider.id, 'search', { country, endsWith: digit, limit: 3 });
    expect(ending.body.numbers.length).toBeGreaterThan(0);
    expect(ending.body.numbers.every((n) => n.e164.endsWith(digit))).toBe(true);
    const bad = await post<{ error: { message: string } }>(provider.id, 'search', { country: 'gb' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^country must be/);
  });

  it('searches by the start of the national number: the available numbers listed there, in national order, up to the cap', async () => {
    const provider = sim.world.providers.find((p) => p.tier === 2)!;
    const [country, numberType] = provider.markets[0]!.split(':') as [string, string];
    const code = getCountryCallingCode(country as CountryCode);
    const byE164 = new Map(sim.world.numbers.map((n) => [n.e164, n]));
    const listed = sim.world.offers
      .filter((o) => o.providerId === provider.id)
      .map((o) => byE164.get(o.e164)!)
      .filter((n) => n.country === country && n.numberType === numberType && n.status === 'available' && !used.has(n.e164))
      .map((n) => n.e164.slice(1 + code.length))
      .sort();
    // the two leading digits most numbers share: a prefix with more numbers than one page
    const counts = new Map<string, number>();
    for (const national of listed) counts.set(national.slice(0, 2), (counts.get(national.slice(0, 2)) ?? 0) + 1);
    const prefix = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    const expected = listed.filter((n) => n.startsWith(prefix));
    // an earlier test may have lowered the provider's page cap
    const pageCap = sim.behaviour(provider.id).pageCap;
    for (const limit of [2, expected.length]) {
      const { body } = await post<SearchResponse>(provider.id, 'search', { country, numberType, startsWith: prefix, limit });
      expect(body.numbers.map((n) => n.e164.slice(1 + code.length))).toEqual(expected.slice(0, Math.min(limit, pageCap)));
      expect(body.truncated).toBe(expected.length > Math.min(limit, pageCap));
    }
    // two leading digits no number listed has: nothing, and not truncated
    const unused = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).find((digits) => !counts.has(digits))!;
    const none = await post<SearchResponse>(provider.id, 'search', { country, numberType, startsWith: unused, limit: 10 });
    expect(none.body).toEqual({ numbers: [], truncated: false });
  });

  it('answers status in request order up to the batch limit, and 400 beyond it', async () => {
    const provider = sim.world.providers.find((p) => p.tier === 2)!;
    const mine = sim.world.offers.filter((o) => o.providerId === provider.id && !used.has(o.e164)).slice(0, 2).map((o) => o.e164);
    mine.forEach((n) => used.add(n));
    sim.setBehaviour(provider.id, { batchLimit: 3 });
    const ok = await post<StatusResponse>(provider.id, 'numbers/status', { numbers: [mine[0], '+447700900123', mine[1]] });
    expect(ok.body.results.map((r) => [r.e164, r.found])).toEqual([[mine[0], true], ['+447700900123', false], [mine[1], true]]);
    const tooMany = await post<{ error: { code: string } }>(provider.id, 'numbers/status', { numbers: [...mine, '+447700900123', '+447700900124'] });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe('batch_too_large');
  });

  it('returns the same order for a repeated idempotency key, and 409 for the same key with another body', async () => {
    const { number, direct } = resoldAvailable();
    const first = await post<{ orderId: string }>(direct, 'orders', { numbers: [number], reference: 'tenant-a' }, { 'idempotency-key': 'k-1' });
    expect(first.status).toBe(202);
    const again = await post<{ orderId: string }>(direct, 'orders', { numbers: [number], reference: 'tenant-a' }, { 'idempotency-key': 'k-1' });
    expect(again.body.orderId).toBe(first.body.orderId);
    expect((await post(direct, 'orders', { numbers: [number], reference: 'tenant-b' }, { 'idempotency-key': 'k-1' })).status).toBe(409);
    expect((await post(direct, 'orders', { numbers: [number], reference: 'tenant-a' })).status).toBe(400);
    const done = await waitForOrder(direct, first.body.orderId);
    expect(done).toEqual({ orderId: first.body.orderId, status: 'completed', results: [{ e164: number, status: 'completed' }] });
    expect(await statusOf(direct, number)).toMatchObject({ status: 'assigned', available: false });
  });

  it('gives a number ordered concurrently through several providers to exactly one order', async () => {
    const { number, direct, reseller } = resoldAvailable();
    const accepted = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const provider = i % 2 === 0 ? direct : reseller;
        return post<{ orderId: string }>(provider, 'orders', { numbers: [number], reference: `tenant-${i}` }, { 'idempotency-key': `race-${i}` }).then((r) => ({ provider, orderId: r.body.orderId }));
      }),
    );
    const finals = await Promise.all(accepted.map((a) => waitForOrder(a.provider, a.orderId)));
    expect(finals.filter((o) => o.status === 'completed')).toHaveLength(1);
    expect(finals.filter((o) => o.status === 'failed')).toHaveLength(19);
  });

  it('lets a reservation expire by itself and keeps it from other callers until then', async () => {
    const { number, direct } = resoldAvailable();
    await post(direct, 'reservations', { numbers: [number], ttlSeconds: 60, reference: 'holder' });
    const other = await post<ReserveResponse>(direct, 'reservations', { numbers: [number], ttlSeconds: 60, reference: 'someone-else' });
    expect(other.body.results).toEqual([{ e164: number, ok: false, reason: 'not_available: reserved' }]);
    now += 61_000;
    expect(await statusOf(direct, number)).toMatchObject({ status: 'available', available: true });
  });

  it('sends a released number to aging, then offers it again', async () => {
    const { number, direct } = resoldAvailable();
    const order = await post<{ orderId: string }>(direct, 'orders', { numbers: [number], reference: 'releaser' }, { 'idempotency-key': 'release-1' });
    await waitForOrder(direct, order.body.orderId);
    const released = await post<{ results: unknown[] }>(direct, 'releases', { numbers: [number] });
    expect(released.body.results).toEqual([{ e164: number, ok: true }]);
    expect(await statusOf(direct, number)).toMatchObject({ status: 'aging', available: false });
    now += 601_000;
    expect(await statusOf(direct, number)).toMatchObject({ status: 'available' });
  });

  it('refuses malformed and oversized requests with a JSON error saying what is wrong', async () => {
    const provider = sim.world.providers[1]!.id;
    const raw = await fetch(`${sim.url}/providers/${provider}/search`, { method: 'POST', body: '{"country":' });
    expect([raw.status, await raw.json()]).toEqual([400, { error: { code: 'invalid_json', message: 'request body is not valid JSON' } }]);
    const huge = await post<{ error: { code: string } }>(provider, 'releases', { numbers: Array.from({ length: 30_000 }, (_, i) => `+4477009${String(i).padStart(5, '0')}`) });
    expect([huge.status, huge.body.error.code]).toEqual([413, 'body_too_large']);
    const many = await post<{ error: { message: string } }>(provider, 'releases', { numbers: Array.from({ length: 101 }, (_, i) => `+4477009${String(i).padStart(5, '0')}`) });
    expect([many.status, many.body.error.message]).toEqual([400, 'numbers has 101 entries; at most 100 per call']);
    const ttl = await post<{ error: { message: string } }>(provider, 'reservations', { numbers: ['+447700900123'], ttlSeconds: 0, reference: 'x' });
    expect(ttl.body.error.message).toBe('ttlSeconds must be a whole number from 1 to 3600');
    // each bad field named by its path in the body, from the API's zod schemas
    const badNumber = await post<{ error: { code: string; message: string } }>(provider, 'releases', { numbers: ['+447700900123', '0044'] });
    expect([badNumber.status, badNumber.body.error]).toEqual([400, { code: 'bad_request', message: 'numbers[1] "0044" is not an E.164 number like +447700900123' }]);
    const extra = await post<{ error: { message: string } }>(provider, 'search', { country: 'GB', colour: 'blue' });
    expect([extra.status, extra.body.error.message]).toEqual([400, 'request body has unknown field(s) colour']);
    const registration = await post<{ error: { message: string } }>(provider, 'registrations', { endUserRef: 'eu-1', country: 'GB', numberType: 'MOBILE', endUser: { type: 'robot', name: 'R' }, address: null, documents: [] });
    expect([registration.status, registration.body.error.message]).toEqual([400, 'endUser.type must be individual or business']);
  });

  it('changes behaviour while running: validated, and a provider that is down answers 503', async () => {
    const provider = sim.world.providers[0]!.id;
    const bad = await call<{ error: { message: string } }>('PUT', `/admin/providers/${provider}/behaviour`, { errorRate: 2 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('errorRate must be a number from 0 to 1');
    expect((await call('PUT', `/admin/providers/${provider}/behaviour`, { down: true })).body).toMatchObject({ down: true });
    const down = await call<{ error: { code: string } }>('GET', `/providers/${provider}/profile`);
    expect(down).toEqual({ status: 503, body: { error: { code: 'provider_down', message: `${provider} is down` } } });
    sim.setBehaviour(provider, { down: false });
    expect((await call('GET', `/providers/${provider}/profile`)).status).toBe(200);
  });

  it('injects order faults: a lost reply after placing, orders accepted for a while (moved by PUT /admin/clock), forgotten orders', async () => {
    const { number, direct } = resoldAvailable();
    for (const [patch, message] of [
      [{ lostReplyRate: -1 }, 'lostReplyRate must be a number from 0 to 1'],
      [{ acceptedButSlow: 1.5 }, 'acceptedButSlow must be a whole number from 0 to 86400000'],
      [{ forgetOrders: 'yes' }, 'forgetOrders must be true or false'],
    ] as const) {
      expect((await call<{ error: { message: string } }>('PUT', `/admin/providers/${direct}/behaviour`, patch)).body.error.message).toBe(message);
    }
    expect((await call('PUT', `/admin/providers/${direct}/behaviour`, { lostReplyRate: 1, acceptedButSlow: 60_000 })).body).toMatchObject({ lostReplyRate: 1, acceptedButSlow: 60_000 });
    const body = { numbers: [number], reference: 'tenant:faults' };
    // placed, then no reply: the connection closes
    await expect(fetch(`${sim.url}/providers/${direct}/orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'lost-1' }, body: JSON.stringify(body) })).rejects.toThrow();
    // the resend with the same key places nothing, and is answered with the order placed
    const again = await post<{ orderId: string }>(direct, 'orders', body, { 'idempotency-key': 'lost-1' });
    expect(again.status).toBe(202);
    expect(await statusOf(direct, number)).toMatchObject({ status: 'reserved' });
    // accepted for 60 s of the simulator's clock
    await new Promise((r) => setTimeout(r, 20));
    expect((await call<OrderState>('GET', `/providers/${direct}/orders/${again.body.orderId}`)).body.status).toBe('accepted');
    expect((await call<{ error: { message: string } }>('PUT', '/admin/clock', { advanceMs: -1 })).status).toBe(400);
    const moved = await call<{ now: string }>('PUT', '/admin/clock', { advanceMs: 61_000 });
    expect(Date.parse(moved.body.now)).toBe(now + 61_000);
    expect((await call<OrderState>('GET', `/providers/${direct}/orders/${again.body.orderId}`)).body).toEqual({ orderId: again.body.orderId, status: 'completed', results: [{ e164: number, status: 'completed' }] });
    // a provider that forgets its orders answers 404 for one it holds
    sim.setBehaviour(direct, { forgetOrders: true });
    expect((await call('GET', `/providers/${direct}/orders/${again.body.orderId}`)).status).toBe(404);
    sim.setBehaviour(direct, { forgetOrders: false, lostReplyRate: 0, acceptedButSlow: 0 });
    expect((await call('GET', `/providers/${direct}/orders/${again.body.orderId}`)).status).toBe(200);
  });
});

async function waitForOrder(provider: string, orderId: string): Promise<OrderState> {
  for (;;) {
    const { body } = await call<OrderState>('GET', `/providers/${provider}/orders/${orderId}`);
    if (body.status !== 'accepted') return body;
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('provider simulator drift', () => {
  it('changes exactly the given share of listed offers at once, each one in its provider\'s feed', async () => {
    const drifting = await startSimulator({ port: 0, instant: true, clock: () => now });
    try {
      const feed = async (provider: string, cursor: string | null): Promise<{ items: FeedItem[]; cursor: string }> => {
        const items: FeedItem[] = [];
        for (;;) {
          const res = await fetch(`${drifting.url}/providers/${provider}/inventory?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
          const page = (await res.json()) as InventoryPage;
          items.push(...page.items);
          cursor = page.nextCursor;
          if (!page.hasMore) return { items, cursor };
        }
      };
      const before = new Map<string, { cursor: string; status: Map<string, string> }>();
      for (const p of drifting.world.providers) {
        const { items, cursor } = await feed(p.id, null);
        before.set(p.id, { cursor, status: new Map(items.map((i) => [i.e164, i.status])) });
      }
      const listed = [...before.values()].reduce((n, b) => n + b.status.size, 0);
      const response = await fetch(`${drifting.url}/admin/drift`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fraction: 0.01 }) });
      const drift = (await response.json()) as { offersChanged: number; numbersChanged: number };
      expect(drift.offersChanged).toBe(Math.round(0.01 * listed));
      let changedItems = 0;
      const numbers = new Set<string>();
      for (const p of drifting.world.providers) {
        const { items } = await feed(p.id, before.get(p.id)!.cursor);
        for (const item of items) {
          expect(item.status).not.toBe(before.get(p.id)!.status.get(item.e164));
          numbers.add(item.e164);
        }
        changedItems += items.length;
      }
      expect(changedItems).toBe(drift.offersChanged);
      expect(numbers.size).toBe(drift.numbersChanged);
      expect((await fetch(`${drifting.url}/admin/drift`, { method: 'POST', body: '{"fraction":2}' })).status).toBe(400);
    } finally {
      await drifting.close();
    }
  });
});
