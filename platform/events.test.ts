/** The event bus: in-process delivery by source, dedupe once per id (again after a failure), durable JetStream consumers catching up. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventually } from '../test/support/eventually.js';
import { removeEventsNamespace } from '../test/support/events.js';
import { readSettings } from './settings-schema.js';
import { acquireEventBus, dedupe, jetStreamBus, type DomainEvent, type EventSource } from './events.js';

const event = (source: EventSource, type: string, aggregateId = '+447400123456'): DomainEvent => ({
  id: randomUUID(),
  source,
  aggregate: 'number',
  aggregateId,
  version: 1,
  type,
  tenant: 'tenant-a',
  providerId: null,
  payload: {},
  at: new Date().toISOString(),
});
/** Waits until `check` holds (at most `ms`). */
const until = (check: () => boolean, ms = 5000) => eventually(async () => (check() ? true : undefined), ms, 'the events');

describe('event bus', () => {
  it('in one process, a subgraph hears what another publishes, only from the source it follows', async () => {
    const relay = await acquireEventBus(null);
    const routing = await acquireEventBus(null);
    const heard: string[] = [];
    await routing.subscribe((e) => void heard.push(e.type), { source: 'inventory' });
    await relay.publish(event('inventory', 'number.assigned'));
    await relay.publish(event('compliance', 'registration.approved'));
    await until(() => heard.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(heard).toEqual(['number.assigned']);
    // the first release leaves the bus to the other holder
    await relay.close();
    const other = await acquireEventBus(null);
    await other.publish(event('inventory', 'number.released'));
    await until(() => heard.length === 2);
    expect(heard).toEqual(['number.assigned', 'number.released']);
    await other.close();
    await routing.close();
  });

  it('dedupe handles an id once, and again after its handler failed', async () => {
    const handled: string[] = [];
    let fail = true;
    const handler = dedupe(async (e) => {
      if (fail) {
        fail = false;
        throw new Error('database down');
      }
      handled.push(e.id);
    });
    const e = event('inventory', 'number.assigned');
    await expect(handler(e)).rejects.toThrow('database down');
    await handler(e);
    await handler(e);
    expect(handled).toEqual([e.id]);
  });

  it.skipIf(!process.env.NATS_URL)('a durable JetStream consumer gets what was published while it was away, and a failed event again', async () => {
    const source: EventSource = 'routing';
    const durable = `test-${randomUUID().slice(0, 8)}`;
    const bus = await jetStreamBus(process.env.NATS_URL!);
    const number = `+4474${Math.floor(Math.random() * 1e8)}`;
    const first = event(source, 'test.first', number);
    // the consumer is created, then goes away; an event arrives while it is away
    const stop = await bus.subscribe(() => undefined, { source, durable });
    await stop();
    await bus.publish(first);
    const seen: string[] = [];
    let failures = 0;
    const again = await bus.subscribe(
      (e) => {
        if (e.aggregateId !== number) return;
        if (failures++ === 0) throw new Error('not yet');
        seen.push(e.id);
      },
      { source, durable },
    );
    await until(() => seen.length === 1, 10_000);
    expect(seen).toEqual([first.id]);
    expect(failures).toBe(2);
    await again();
    await bus.close();
  });

  it.skipIf(!process.env.NATS_URL)('keeps namespaces apart on one NATS server: a durable consumer of one never gets the other\'s events', async () => {
    const namespaces = [`test_a${randomUUID().slice(0, 8)}`, `test_b${randomUUID().slice(0, 8)}`];
    const [a, b] = await Promise.all(namespaces.map((namespace) => jetStreamBus(process.env.NATS_URL!, namespace)));
    const heard: Record<string, string[]> = { a: [], b: [] };
    // the same durable name in both, as two deployments' routing would have
    const stops = [
      await a!.subscribe((e) => void heard.a!.push(e.id), { durable: 'routing' }),
      await b!.subscribe((e) => void heard.b!.push(e.id), { durable: 'routing' }),
    ];
    const toA = event('inventory', 'number.assigned');
    const toB = event('inventory', 'number.assigned');
    await a!.publish(toA);
    await b!.publish(toB);
    await until(() => heard.a!.length > 0 && heard.b!.length > 0, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(heard).toEqual({ a: [toA.id], b: [toB.id] });
    for (const stop of stops) await stop();
    await Promise.all([a!.close(), b!.close()]);
    await removeEventsNamespace(process.env.NATS_URL!, namespaces[0]!);
    await removeEventsNamespace(process.env.NATS_URL!, namespaces[1]!);
  });

  it('refuses a namespace that would not make a stream name or a subject token', async () => {
    await expect(jetStreamBus('nats://127.0.0.1:1', 'bad.name')).rejects.toThrow(/events namespace "bad.name" must be lower-case letters/);
    expect(() => readSettings({ EVENTS_NAMESPACE: 'Prod East' }, ['EVENTS_NAMESPACE'])).toThrow(/EVENTS_NAMESPACE/);
    expect(readSettings({}, ['EVENTS_NAMESPACE']).EVENTS_NAMESPACE).toBe('numbergraph');
  });
});
