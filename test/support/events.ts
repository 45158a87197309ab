/** Test runs keep their events apart on the shared NATS server: a namespace of their own, removed after. */
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { streamName, type EventSource } from '../../platform/events.js';

const SOURCES: readonly EventSource[] = ['inventory', 'compliance', 'routing'];

/**
 * A namespace no other test uses: on one NATS server, test files running at once (and earlier
 * CI runs' streams) would otherwise share routing's durable consumer, and one file's routing
 * would take the events of another's orders.
 */
export const testEventsNamespace = (): string => `test_${randomBytes(5).toString('hex')}`;

/** Deletes the namespace's streams (and with them their consumers); a stream never created is fine. */
export async function removeEventsNamespace(natsUrl: string, namespace: string): Promise<void> {
  const nc = await connect({ servers: natsUrl, timeout: 5000 });
  try {
    const jsm = await jetstreamManager(nc);
    for (const source of SOURCES) await jsm.streams.delete(streamName(source, namespace)).catch(() => false);
  } finally {
    await nc.close();
  }
}
