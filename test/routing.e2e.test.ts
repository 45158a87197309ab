/** Routes through the gateway: address rules, set and cleared on the tenant's own numbers only, pushed to the holding provider, gone on release. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operation, startInventoryGateway, type TestGateway } from './support/gateway.js';
import { CONFIGURE_ROUTE, RELEASE, fakeDns, orderNumber, tenantKey } from './support/routing.js';
import { eventually } from './support/eventually.js';

/**
 * Routes through the gateway over HTTP: validation and address rules, configureRoute and
 * clearRoute on the tenant's own number only (NOT_YOURS otherwise), pushed to the holding
 * provider (the simulator's routing endpoint), and gone after a release.
 */
let gateway: TestGateway;
let stock: string[] = [];
/** GB numbers in stock that take messages, and ones that take calls only. */
let withSms: string[] = [];
let voiceOnly: string[] = [];
const dns = fakeDns();
const run = randomBytes(3).toString('hex');
let mine: Record<string, string>;
let theirs: Record<string, string>;

beforeAll(async () => {
  gateway = await startInventoryGateway({ providers: { simulator: { instant: true, orderDelayMs: 5 }, routing: { resolve: dns.resolve } } });
  const available = gateway.embedded.providers.simulator!.world.numbers.filter((n) => n.status === 'available' && n.country === 'GB');
  withSms = available.filter((n) => n.capabilities.includes('sms')).map((n) => n.e164);
  voiceOnly = available.filter((n) => !n.capabilities.includes('sms')).map((n) => n.e164);
  stock = available.map((n) => n.e164).filter((e164) => !withSms.slice(0, 5).includes(e164) && !voiceOnly.slice(0, 5).includes(e164));
  mine = await tenantKey(gateway, `routing-a-${run}`);
  theirs = await tenantKey(gateway, `routing-b-${run}`);
});
afterAll(async () => {
  await gateway?.close();
});

const trunk = (uri: string) => ({ trunks: [{ uri }] });
const configure = async (headers: Record<string, string>, variables: Record<string, unknown>) => {
  const answer = await gateway.request(CONFIGURE_ROUTE, variables, headers);
  expect(answer.errors).toBeUndefined();
  return answer.data!.configureRoute as { number: { route: Record<string, any> } | null; userErrors: { code: string; message: string; field: string[] | null }[] };
};
const lineage = async (e164: string, headers: Record<string, string>) => (await gateway.request(operation('Lineage'), { e164 }, headers)).data!.number;

/** Orders a number for `mine` and waits until routing's projection has it (the event arrives after the order answers). */
async function ownNumber(from: string[] = stock): Promise<{ e164: string; provider: string }> {
  const e164 = from.shift()!;
  const provider = await orderNumber(gateway, mine, e164);
  await eventually(async () => ((await configure(mine, { e164, voice: trunk('sip:probe@trunk.example.net') })).userErrors.length === 0 ? true : undefined), 15_000, `routing to learn ${e164} is held`);
  return { e164, provider };
}

describe('validation and address rules', () => {
  it('refuses a bad SIP URI, an http: endpoint, loopback and private addresses, naming the field', async () => {
    dns.set('loopback.example.com', '127.0.0.1');
    const e164 = stock[0]!;
    const cases: [Record<string, unknown>, string[]][] = [
      [{ voice: trunk('sip:') }, ['voice', 'trunks', '0', 'uri']],
      [{ voice: trunk('http://trunk.example.net') }, ['voice', 'trunks', '0', 'uri']],
      [{ voice: trunk('sip:user:secret@trunk.example.net') }, ['voice', 'trunks', '0', 'uri']],
      [{ voice: { trunks: [{ uri: 'sips:pbx.example.net', transport: 'UDP' }] } }, ['voice', 'trunks', '0', 'transport']],
      [{ voice: trunk('sip:+447400123456@127.0.0.1') }, ['voice', 'trunks', '0', 'uri']],
      [{ voice: trunk('sip:pbx@loopback.example.com:5060') }, ['voice', 'trunks', '0', 'uri']],
      [{ messaging: { endpoint: 'http://sms.example.com/in' } }, ['messaging', 'endpoint']],
      [{ messaging: { endpoint: 'https://user:pw@sms.example.com/in' } }, ['messaging', 'endpoint']],
      [{ messaging: { endpoint: 'https://127.0.0.1/in' } }, ['messaging', 'endpoint']],
      [{ messaging: { endpoint: 'https://10.1.2.3/in' } }, ['messaging', 'endpoint']],
      [{ messaging: { endpoint: 'https://169.254.169.254/latest/meta-data' } }, ['messaging', 'endpoint']],
      [{ messaging: { endpoint: 'https://[::1]/in' } }, ['messaging', 'endpoint']],
      [{ messaging: { endpoint: 'https://loopback.example.com/in' } }, ['messaging', 'endpoint']],
      [{ messaging: { endpoint: 'https://localhost/in' } }, ['messaging', 'endpoint']],
      [{ messaging: { endpoint: `https://sms.example.com/${'x'.repeat(3000)}` } }, ['messaging', 'endpoint']],
    ];
    for (const [input, field] of cases) {
      const { number, userErrors } = await configure(mine, { e164, ...input });
      expect(number, JSON.stringify(input)).toBeNull();
      expect(userErrors, JSON.stringify(input)).toEqual([{ code: 'INVALID', message: expect.any(String), field }]);
    }
    const tooMany = await configure(mine, { e164, voice: { trunks: Array.from({ length: 9 }, (_, i) => ({ uri: `sip:t${i}@trunk.example.net` })) } });
    expect(tooMany.userErrors).toEqual([{ code: 'INVALID', message: 'give 1 to 8 trunks, got 9', field: ['voice', 'trunks'] }]);
  });

  it('needs a tenant', async () => {
    const answer = await gateway.request(CONFIGURE_ROUTE, { e164: stock[0]!, voice: trunk('sip:a@trunk.example.net') });
    expect(answer.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });
});

describe('routes on the tenant\'s own numbers', () => {
  it('configures a route: Lineage shows route.voice.uri and the holding provider holds the same', async () => {
    const { e164, provider } = await ownNumber(withSms);
    const voice = { trunks: [{ uri: `sip:${e164}@trunk1.example.net`, priority: 1 }, { uri: 'sips:backup.example.net:5061', priority: 2, weight: 50 }] };
    const { number, userErrors } = await configure(mine, { e164, voice, messaging: { endpoint: 'https://sms.example.com/inbound' } });
    expect(userErrors).toEqual([]);
    expect(number!.route).toEqual({
      state: 'ACTIVE',
      reason: null,
      voice: {
        uri: `sip:${e164}@trunk1.example.net`,
        trunks: {
          edges: [
            { node: { uri: `sip:${e164}@trunk1.example.net`, transport: 'UDP', priority: 1, weight: 100 } },
            { node: { uri: 'sips:backup.example.net:5061', transport: 'TLS', priority: 2, weight: 50 } },
          ],
        },
      },
      messaging: { uri: 'https://sms.example.com/inbound' },
    });
    const seen = await lineage(e164, mine);
    expect(seen.route).toEqual({ voice: { uri: `sip:${e164}@trunk1.example.net` }, messaging: { uri: 'https://sms.example.com/inbound' } });
    // the serving carrier is the originating carrier (no port)
    expect(seen.originatingCarrier).not.toBeNull();
    expect(seen.servingCarrier).toEqual({ id: seen.originatingCarrier.id, name: seen.originatingCarrier.name });
    const atProvider = gateway.embedded.providers.simulator!.routeOf(provider, e164);
    expect(atProvider).toMatchObject({
      e164,
      voice: { trunks: [{ uri: `sip:${e164}@trunk1.example.net`, transport: 'udp', priority: 1, weight: 100 }, { uri: 'sips:backup.example.net:5061', transport: 'tls', priority: 2, weight: 50 }] },
      messaging: { endpoint: 'https://sms.example.com/inbound' },
    });
    // another tenant does not see it
    expect((await lineage(e164, theirs)).route).toBeNull();

    // cleared: gone here and at the provider
    const CLEAR = 'mutation($e164: String!) { clearRoute(e164: $e164) { number { route { state } } userErrors { code field } } }';
    const cleared = await gateway.request(CLEAR, { e164 }, mine);
    expect(cleared.data!.clearRoute).toEqual({ number: { route: null }, userErrors: [] });
    expect((await lineage(e164, mine)).route).toBeNull();
    expect(gateway.embedded.providers.simulator!.routeOf(provider, e164)).toBeNull();
  });

  it('refuses a messaging route on a number without SMS, naming the field, and takes its voice route', async () => {
    const { e164, provider } = await ownNumber(voiceOnly);
    const refused = await configure(mine, { e164, voice: trunk(`sip:${e164}@trunk.example.net`), messaging: { endpoint: 'https://sms.example.com/inbound' } });
    expect(refused.number).toBeNull();
    expect(refused.userErrors).toEqual([{ code: 'NO_SMS', message: expect.stringContaining('cannot receive messages'), field: ['messaging', 'endpoint'] }]);
    // nothing changed: the probe's voice route stands, here and at the provider
    expect((await lineage(e164, mine)).route).toEqual({ voice: { uri: 'sip:probe@trunk.example.net' }, messaging: null });
    expect(gateway.embedded.providers.simulator!.routeOf(provider, e164)?.messaging ?? null).toBeNull();
    const voice = await configure(mine, { e164, voice: trunk(`sip:${e164}@trunk.example.net`) });
    expect(voice.userErrors).toEqual([]);
  });

  it('answers the same NOT_YOURS for another tenant\'s number, a number in stock and an unknown number', async () => {
    const { e164: theirsNumber } = await ownNumber(); // held by `mine`: `theirs` asks
    const inStock = stock.shift()!;
    const unknown = '+447000000001';
    for (const e164 of [theirsNumber, inStock, unknown]) {
      const { number, userErrors } = await configure(theirs, { e164, voice: trunk('sip:x@trunk.example.net') });
      expect(number).toBeNull();
      expect(userErrors).toEqual([{ code: 'NOT_YOURS', message: `${e164} is not a number your tenant holds`, field: ['e164'] }]);
      const cleared = await gateway.request('mutation($e164: String!) { clearRoute(e164: $e164) { number { e164 } userErrors { code message field } } }', { e164 }, theirs);
      expect(cleared.data!.clearRoute).toEqual({ number: null, userErrors: [{ code: 'NOT_YOURS', message: `${e164} is not a number your tenant holds`, field: ['e164'] }] });
    }
    // the holder's route is untouched
    expect((await lineage(theirsNumber, mine)).route).toEqual({ voice: { uri: 'sip:probe@trunk.example.net' }, messaging: null });
  });

  it('after releaseNumbers, the route is gone from Lineage and from the provider', async () => {
    const { e164, provider } = await ownNumber();
    expect((await configure(mine, { e164, voice: trunk(`sip:${e164}@trunk.example.net`) })).userErrors).toEqual([]);
    expect(gateway.embedded.providers.simulator!.routeOf(provider, e164)?.voice?.trunks[0]?.uri).toBe(`sip:${e164}@trunk.example.net`);
    const released = await gateway.request(RELEASE, { input: { numbers: [e164] } }, mine);
    expect(released.data!.releaseNumbers).toEqual({ numbers: [{ e164, ok: true }], userErrors: [] });
    await eventually(async () => ((await lineage(e164, mine)).route === null ? true : undefined), 15_000, 'the route to go');
    expect(gateway.embedded.providers.simulator!.routeOf(provider, e164)).toBeNull();
    // and it cannot be configured again: no longer the tenant's
    expect((await configure(mine, { e164, voice: trunk('sip:x@trunk.example.net') })).userErrors.map((e) => e.code)).toEqual(['NOT_YOURS']);
  });
});
