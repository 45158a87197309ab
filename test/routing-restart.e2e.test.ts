/** Routing stopped while an order completes catches up through its durable JetStream consumer, and the number becomes routable. */
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireEventBus, streamName } from '../platform/events.js';
import { createLogger } from '../platform/logger.js';
import { operation, startInventoryGateway, type TestGateway } from './support/gateway.js';
import { CONFIGURE_ROUTE, orderNumber, tenantKey } from './support/routing.js';
import { eventually } from './support/eventually.js';

/**
 * Routing follows inventory's events through a durable JetStream consumer: stopped while an
 * order completes, then started again, it applies what it missed and the number is routable.
 * Needs NATS JetStream (NATS_URL): in one process, events nobody listened to are gone.
 */
const NATS_URL = process.env.NATS_URL;

describe.skipIf(!NATS_URL)('routing stopped while an order completes (needs NATS_URL)', () => {
  let gateway: TestGateway;
  const durable = `routing-restart-${randomBytes(4).toString('hex')}`;
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    gateway = await startInventoryGateway({ env: { NATS_URL }, providers: { simulator: { instant: true, orderDelayMs: 5 }, routing: { consumer: { durable, from: 'new' } } } });
  });
  afterAll(async () => {
    for (const stop of stops) await stop();
    await gateway?.close();
    const nc = await connect({ servers: NATS_URL! });
    await (await jetstreamManager(nc)).consumers.delete(streamName('inventory', gateway.eventsNamespace), durable).catch(() => undefined);
    await nc.close();
  });

  it('makes the number routable once routing is back', async () => {
    const headers = await tenantKey(gateway, `restart-${durable}`);
    const e164 = gateway.embedded.providers.simulator!.world.numbers.find((n) => n.status === 'available' && n.country === 'GB')!.e164;
    const routing = gateway.embedded.providers.routing.services;
    await routing.stopBackground!();

    const provider = await orderNumber(gateway, headers, e164);
    const voice = { trunks: [{ uri: `sip:${e164}@trunk.example.net` }] };
    // while routing is down it has not heard of the order
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = await gateway.request(CONFIGURE_ROUTE, { e164, voice }, headers);
    expect(before.data!.configureRoute.userErrors.map((e: { code: string }) => e.code)).toEqual(['NOT_YOURS']);

    // started again, as a restarted routing process would be: the durable consumer resumes
    const events = await acquireEventBus(NATS_URL!, gateway.eventsNamespace);
    stops.push(() => events.close());
    stops.unshift(await gateway.embedded.subgraphs.routing!.background!({ logger: createLogger({ LOG_LEVEL: 'silent' }), events, shared: true }));
    const configured = await eventually(async () => {
      const answer = (await gateway.request(CONFIGURE_ROUTE, { e164, voice }, headers)).data!.configureRoute;
      return answer.userErrors.length === 0 ? answer : undefined;
    }, 30_000, 'routing to apply the missed order');
    expect(configured.number.route).toMatchObject({ state: 'ACTIVE', voice: { uri: `sip:${e164}@trunk.example.net` } });
    expect((await gateway.request(operation('Lineage'), { e164 }, headers)).data!.number.route).toEqual({ voice: { uri: `sip:${e164}@trunk.example.net` }, messaging: null });
    expect(gateway.embedded.providers.simulator!.routeOf(provider, e164)?.voice?.trunks[0]?.uri).toBe(`sip:${e164}@trunk.example.net`);
  });
});
