/** A number's routing at its simulated provider: set, read and removed only by the reference that ordered it, gone with a release. */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiHealthRecorder, HttpProviderClient, ProviderError } from '../client/index.js';
import { startSimulator, type StartedSimulator } from './server.js';

let sim: StartedSimulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, instant: true, orderDelayMs: 1 });
});
afterAll(() => sim?.close());

describe('a number\'s routing at its provider', () => {
  it('is set, read and removed by the reference that ordered the number only, and goes with a release', async () => {
    const offer = sim.world.offers.find((o) => sim.world.numbers.find((n) => n.e164 === o.e164)?.status === 'available')!;
    const client = new HttpProviderClient(offer.providerId, `${sim.url}/providers/${offer.providerId}/`, new ApiHealthRecorder());
    try {
      const notYours = (error: unknown) => error instanceof ProviderError && error.httpStatus === 403 && error.code === 'not_yours';
      const routing = { voice: { trunks: [{ uri: 'sip:a@trunk.example.net', transport: 'udp' as const, priority: 1, weight: 100 }] }, messaging: null };
      // in stock: nobody's
      await expect(client.putRouting(offer.e164, 'tenant:a', routing)).rejects.toSatisfy(notYours);
      const { orderId } = await client.order({ numbers: [offer.e164], reference: 'tenant:a' }, `routing-${offer.e164.slice(1)}`);
      await sleep(5);
      expect((await client.waitForOrder(orderId, { intervalMs: 5 })).status).toBe('completed');
      expect(await client.getRouting(offer.e164, 'tenant:a')).toBeNull();
      expect(await client.putRouting(offer.e164, 'tenant:a', routing)).toMatchObject({ e164: offer.e164, ...routing });
      expect(await client.getRouting(offer.e164, 'tenant:a')).toMatchObject(routing);
      expect(sim.routeOf(offer.providerId, offer.e164)).toMatchObject(routing);
      // anyone else: not_yours, whether or not a route exists
      await expect(client.getRouting(offer.e164, 'tenant:b')).rejects.toSatisfy(notYours);
      await expect(client.deleteRouting(offer.e164, 'tenant:b')).rejects.toSatisfy(notYours);
      await expect(client.putRouting('+447000000001', 'tenant:a', routing)).rejects.toSatisfy(notYours);
      // a bad body is a 400
      await expect(client.putRouting(offer.e164, 'tenant:a', { voice: { trunks: [] }, messaging: null })).rejects.toMatchObject({ httpStatus: 400 });
      // named by its path in the body
      const badTransport = { voice: { trunks: [{ ...routing.voice.trunks[0]!, transport: 'ftp' as 'udp' }] }, messaging: null };
      await expect(client.putRouting(offer.e164, 'tenant:a', badTransport)).rejects.toMatchObject({ httpStatus: 400, message: expect.stringContaining('voice.trunks[0].transport must be one of udp, tcp, tls') });
      await client.deleteRouting(offer.e164, 'tenant:a');
      expect(await client.getRouting(offer.e164, 'tenant:a')).toBeNull();
      await client.putRouting(offer.e164, 'tenant:a', routing);
      expect((await client.release({ numbers: [offer.e164] })).results).toEqual([{ e164: offer.e164, ok: true }]);
      expect(sim.routeOf(offer.providerId, offer.e164)).toBeNull();
    } finally {
      await client.close();
    }
  });
});
