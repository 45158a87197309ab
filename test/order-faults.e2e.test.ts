/** Orders surviving provider faults (lost replies, a holder down after accepting, forgotten orders) and a relay dying before recording. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { runOrderWorkerOnce } from '../subgraphs/inventory/workers/order-worker.js';
import { startRelay } from '../subgraphs/inventory/workers/relay.js';
import { dedupe, inProcessBus, jetStreamBus, type DomainEvent } from '../platform/events.js';
import type { InventoryTables } from '../subgraphs/inventory/tables.js';
import { createLogger } from '../platform/logger.js';
import { startInventoryGateway, type TestGateway } from './support/gateway.js';
import { postJson } from './support/http.js';

/**
 * Orders against providers that misbehave (the simulator's faults), through the gateway with a
 * tenant's key: a lost reply, a holder that accepts then goes down, a provider that forgets the
 * order; and the outbox relay dying between publishing and recording it. On Postgres with
 * DATABASE_URL (as CI runs it), else PGlite.
 */
let gateway: TestGateway;
let key: string;
let db: Kysely<InventoryTables>;
const TENANT = 'faults';

beforeAll(async () => {
  gateway = await startInventoryGateway({
    providers: { simulator: { instant: true, orderDelayMs: 5 }, policy: { timeoutMs: 500, breaker: { consecutiveFailures: 50, halfOpenAfterMs: 100 } } },
    // the mutation waits this long before answering PENDING
    env: { ORDER_WAIT_MS: '800' },
  });
  key = (await gateway.embedded.keys.create({ role: 'frontend', tenant: TENANT, name: 'faults' })).key;
  db = gateway.embedded.subgraphs.inventory!.db as Kysely<InventoryTables>;
});
afterAll(async () => {
  await gateway?.close();
});

const simulator = () => gateway.embedded.providers.simulator!;
const recorder = () => gateway.embedded.providers.directory!.recorder;
const upstream = () => gateway.embedded.providers.inventory.services.upstream;
const machine = () => ({ db, upstream: upstream(), retry: { baseMs: 5, maxMs: 50 } });

const ORDER = `mutation($input: OrderNumbersInput!) { orderNumbers(input: $input) { order { id status numbers { e164 status holder { id } needsAttention reason } } userErrors { code message } } }`;
const ORDER_VIEW = `query($id: ID!) { order(id: $id) { status numbers { e164 status holder { id } needsAttention reason } } }`;
const ask = async (query: string, variables: Record<string, unknown>) => {
  const body = await (await postJson(gateway.url, { query, variables }, { authorization: `Bearer ${key}` })).json();
  expect(body.errors).toBeUndefined();
  return body.data;
};

const used = new Set<string>();
/** An available number offered by one provider alone (no other offer to fall back to). */
function soleOffer(): { e164: string; providerId: string } {
  const world = simulator().world;
  const offer = world.offers.find(
    (o) => !used.has(o.e164) && world.numbers.find((n) => n.e164 === o.e164)!.status === 'available' && world.offers.filter((x) => x.e164 === o.e164).length === 1,
  )!;
  used.add(offer.e164);
  return { e164: offer.e164, providerId: offer.providerId };
}

/** Runs the worker until the order settles (or `passes` run out); returns the order as its tenant sees it. */
async function settle(orderId: string, passes = 40) {
  for (let i = 0; i < passes; i++) {
    const order = (await ask(ORDER_VIEW, { id: orderId })).order;
    if (order.status !== 'PENDING') return order;
    await db.updateTable('order_lines').set({ next_attempt_at: new Date(0) }).where('order_id', '=', orderId).where('needs_attention', '=', false).execute();
    await runOrderWorkerOnce(machine(), 'faults-worker');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return (await ask(ORDER_VIEW, { id: orderId })).order;
}

describe('orders that survive every fault', () => {
  it('completes an order whose reply the holder lost (lostReplyRate 1): one upstream order, at the holder, for the tenant', async () => {
    const { e164, providerId } = soleOffer();
    simulator().setBehaviour(providerId, { lostReplyRate: 1 });
    recorder().resetCounts();
    try {
      const placed = (await ask(ORDER, { input: { numbers: [e164], idempotencyKey: 'lost-1' } })).orderNumbers;
      const { id: _id, ...order } = placed.order.status === 'PENDING' ? await settle(placed.order.id) : placed.order;
      expect(order).toEqual({ status: 'COMPLETED', numbers: [{ e164, status: 'COMPLETED', holder: { id: providerId }, needsAttention: false, reason: null }] });
    } finally {
      simulator().setBehaviour(providerId, { lostReplyRate: 0 });
    }
    // resent with its key (the first reply was lost), never through anyone else
    expect(recorder().callCount(providerId, 'order')).toBeGreaterThanOrEqual(2);
    expect(recorder().callCount(undefined, 'order')).toBe(recorder().callCount(providerId, 'order'));
    // the provider holds exactly that upstream order, completed, for this tenant; our row agrees
    const line = await db.selectFrom('order_lines').selectAll().where('e164', '=', e164).executeTakeFirstOrThrow();
    const upstreamOrder = await upstream().provider(providerId)!.getOrder(line.upstream_order_id!);
    expect(upstreamOrder.results).toEqual([{ e164, status: 'completed' }]);
    expect((await upstream().provider(providerId)!.statusBatch([e164]))[0]).toMatchObject({ status: 'assigned' });
    expect(await db.selectFrom('numbers').select(['status', 'tenant', 'assigned_via_provider_id']).where('e164', '=', e164).executeTakeFirst()).toEqual({ status: 'assigned', tenant: TENANT, assigned_via_provider_id: providerId });
  });

  it('keeps a line PENDING while its holder, having accepted, is down; completes it when the holder returns', async () => {
    const { e164, providerId } = soleOffer();
    simulator().setBehaviour(providerId, { acceptedButSlow: 60_000 });
    try {
      const placed = (await ask(ORDER, { input: { numbers: [e164], idempotencyKey: 'slow-1' } })).orderNumbers;
      expect(placed.order).toMatchObject({ status: 'PENDING', numbers: [{ e164, status: 'PENDING', needsAttention: false }] });
      simulator().setBehaviour(providerId, { down: true });
      expect((await settle(placed.order.id, 3)).status).toBe('PENDING');
      expect(await db.selectFrom('numbers').select(['status', 'tenant']).where('e164', '=', e164).executeTakeFirst()).toEqual({ status: 'assigned', tenant: TENANT });
      // the holder is back, and its clock (moved over HTTP, as for a simulator in another process) passes the order's time
      simulator().setBehaviour(providerId, { down: false });
      const moved = await (await fetch(`${simulator().url}/admin/clock`, { method: 'PUT', body: JSON.stringify({ advanceMs: 61_000 }) })).json();
      expect(Date.parse(moved.now)).toBeGreaterThan(Date.now() + 59_000);
      expect(await settle(placed.order.id)).toEqual({ status: 'COMPLETED', numbers: [{ e164, status: 'COMPLETED', holder: { id: providerId }, needsAttention: false, reason: null }] });
    } finally {
      simulator().setBehaviour(providerId, { acceptedButSlow: 0, down: false });
    }
  });

  it('shows a line whose provider forgot the order as needing attention, with the reason', async () => {
    const { e164, providerId } = soleOffer();
    simulator().setBehaviour(providerId, { acceptedButSlow: 60_000 });
    try {
      const placed = (await ask(ORDER, { input: { numbers: [e164], idempotencyKey: 'forgot-1' } })).orderNumbers;
      expect(placed.order.status).toBe('PENDING');
      simulator().setBehaviour(providerId, { forgetOrders: true });
      const order = await settle(placed.order.id, 3);
      expect(order.status).toBe('PENDING');
      expect(order.numbers).toEqual([{ e164, status: 'PENDING', holder: null, needsAttention: true, reason: expect.stringMatching(new RegExp(`^${providerId} does not know its order .+ \\(it answered 404\\)`)) }]);
    } finally {
      simulator().setBehaviour(providerId, { acceptedButSlow: 0, forgetOrders: false });
    }
  });

  it('shows a line whose provider left the directory after accepting the order as needing attention', async () => {
    const { e164, providerId } = soleOffer();
    simulator().setBehaviour(providerId, { acceptedButSlow: 60_000 });
    try {
      const placed = (await ask(ORDER, { input: { numbers: [e164], idempotencyKey: 'gone-1' } })).orderNumbers;
      expect(placed.order.status).toBe('PENDING');
      // the directory this worker reads no longer lists the provider
      const gone = { ...upstream(), provider: (id: string) => (id === providerId ? null : upstream().provider(id)) };
      let line: { needsAttention: boolean } = { needsAttention: false };
      for (let i = 0; i < 5 && !line.needsAttention; i++) {
        await db.updateTable('order_lines').set({ next_attempt_at: new Date(0) }).where('order_id', '=', placed.order.id).execute();
        await runOrderWorkerOnce({ db, upstream: gone, retry: { baseMs: 5, maxMs: 60_000 } }, 'faults-worker');
        line = (await ask(ORDER_VIEW, { id: placed.order.id })).order.numbers[0];
      }
      expect(line).toEqual({ e164, status: 'PENDING', holder: null, needsAttention: true, reason: expect.stringMatching(new RegExp(`^${providerId} is no longer in the directory: its order .+ cannot be settled$`)) });
    } finally {
      simulator().setBehaviour(providerId, { acceptedButSlow: 0 });
    }
  });

  it('publishes after a relay dies between commit and publish, and a consumer sees each event id once', async () => {
    // the gateway's own relay stops: this test's relays take over the outbox
    await gateway.embedded.providers.relay!.stop();
    const logger = createLogger({ LOG_LEVEL: 'silent' });
    const natsUrl = process.env.NATS_URL ?? null;
    const { e164 } = soleOffer();
    const placed = (await ask(ORDER, { input: { numbers: [e164], idempotencyKey: 'relay-1' } })).orderNumbers;
    expect(placed.order.status).toBe('COMPLETED');
    const pending = await db.selectFrom('outbox').select('event_id').where('published_at', 'is', null).execute();
    expect(pending.length).toBeGreaterThan(0);

    // one relay publishes every event, then dies before it records them as published
    const bus = natsUrl ? await jetStreamBus(natsUrl, gateway.eventsNamespace) : inProcessBus();
    const delivered: DomainEvent[] = [];
    const once: DomainEvent[] = [];
    const unsubscribe = await bus.subscribe((event) => void delivered.push(event));
    const unsubscribeOnce = await bus.subscribe(dedupe((event) => void once.push(event)));
    let published = 0;
    const killed = await startRelay(db, {
      natsUrl,
      bus,
      shared: false,
      logger,
      intervalMs: 60_000,
      afterPublish: () => {
        if (++published === pending.length) throw new Error('killed between publish and commit');
      },
    });
    await expect(killed.publishPending()).rejects.toThrow('killed');
    await killed.stop();
    expect(await db.selectFrom('outbox').select('event_id').where('published_at', 'is', null).execute()).toHaveLength(pending.length);

    // restarted: it publishes them again, and records them
    const restarted = await startRelay(db, { natsUrl, bus, shared: false, logger, intervalMs: 60_000 });
    expect(await restarted.publishPending()).toBeGreaterThanOrEqual(pending.length);
    expect(await db.selectFrom('outbox').select('event_id').where('published_at', 'is', null).execute()).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ids = pending.map((p) => p.event_id).sort();
    // each event reached the consumer (JetStream drops the repeats itself, by message id; in-process they arrive twice)
    expect([...new Set(delivered.map((e) => e.id))].filter((id) => ids.includes(id)).sort()).toEqual(ids);
    expect(once.filter((e) => ids.includes(e.id)).map((e) => e.id).sort()).toEqual(ids);
    // per number, in version order
    const versions = once.filter((e) => e.aggregate === 'number' && e.aggregateId === e164).map((e) => e.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    await unsubscribe();
    await unsubscribeOnce();
    await restarted.stop();
    await bus.close();
  });
});
