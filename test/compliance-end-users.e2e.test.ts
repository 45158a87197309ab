/** End users, documents and provider registrations, order readiness and orders carrying the end user, expiry notices, and tenant isolation. */
import { execute, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { World } from '../providers/generator/world.js';
import { acquireEventBus, type DomainEvent, type EventBus } from '../platform/events.js';
import { announceExpiries } from '../subgraphs/compliance/workers/watch.js';
import type { ComplianceTables } from '../subgraphs/compliance/tables.js';
import type { Kysely } from 'kysely';
import { operation, startInventoryGateway, type TestGateway } from './support/gateway.js';
import { postGraphQL } from './support/http.js';
import { eventually } from './support/eventually.js';

/**
 * End users, their documents and their registrations with providers, readiness before buying,
 * and orders carrying the end user, through the gateway with tenants' keys, over the provider
 * simulator (each provider speaking one of the three compliance shapes).
 */
let gateway: TestGateway;
let world: World;
/** Compliance's events, as any subscriber of this process's bus receives them. */
const published: DomainEvent[] = [];
let bus: EventBus;
let unsubscribe: () => Promise<void>;
beforeAll(async () => {
  gateway = await startInventoryGateway({ env: { ORDER_WAIT_MS: '1500', ORDER_RETRY_MAX_SECONDS: '1', REGISTRATION_POLL_SECONDS: '1' } });
  world = gateway.embedded.providers.simulator!.world;
  // the inventory's database is new for this file, its numbers' versions start again: so does what compliance learnt of them
  await (gateway.embedded.subgraphs.compliance!.db as Kysely<ComplianceTables>).deleteFrom('assignments').execute();
  // where the gateway's compliance publishes: NATS JetStream with NATS_URL (CI), else this process
  bus = await acquireEventBus(process.env.NATS_URL ?? null, gateway.eventsNamespace);
  unsubscribe = await bus.subscribe((event) => void published.push(event), { source: 'compliance' });
});
afterAll(async () => {
  await unsubscribe?.();
  await bus?.close();
  await gateway?.close();
});

/** The compliance event `find` finds among those published, once it is there (6 s at most). */
const eventuallyPublished = (find: () => DomainEvent | undefined): Promise<DomainEvent> =>
  eventually(async () => find(), 6000, () => `such an event among ${JSON.stringify(published.map((e) => e.type))}`);

const keys = new Map<string, Promise<string>>();
const keyOf = (tenant: string | null) => {
  const name = tenant ?? '';
  if (!keys.has(name)) keys.set(name, gateway.embedded.keys.create(tenant ? { role: 'frontend', tenant, name: 'compliance' } : { role: 'analyst', name: 'compliance' }).then((k) => k.key));
  return keys.get(name)!;
};
const as = async (tenant: string | null, query: string, variables: Record<string, unknown> = {}) => postGraphQL<any>(gateway.url, query, variables, { authorization: `Bearer ${await keyOf(tenant)}` });

const CREATE = `mutation($input: CreateEndUserInput!) { createEndUser(input: $input) { endUser { id type name address { country locality } } } }`;
const UPDATE = `mutation($input: UpdateEndUserInput!) { updateEndUser(input: $input) { endUser { id address { country locality } } } }`;
const ADD_DOCUMENT = `mutation($input: AddEndUserDocumentInput!) { addEndUserDocument(input: $input) { document { id type sha256 size } } }`;
const SUBMIT = `mutation($input: SubmitEndUserInput!) { submitEndUser(input: $input) { registrations { provider { id } id status missing } providerErrors } }`;
const READINESS = `query($e: String!, $u: ID!) { number(e164: $e) { orderReadiness(endUserId: $u) { ready providers { provider { id } status requirements { requirement { kind } state acceptedDocuments } } } } }`;
const ORDER = `mutation($input: OrderNumbersInput!) { orderNumbers(input: $input) { order { id status numbers { e164 status holder { id } note } } userErrors { code message } } }`;
const STATUS = `query($e: String!) { number(e164: $e) { status } }`;

/** An available French mobile (LOCAL_ADDRESS and DECLARED_USE confirmed for the market) offered by a single provider. */
function frenchNumber(skip: Set<string>): { e164: string; providers: string[] } {
  for (const number of world.numbers) {
    if (number.country !== 'FR' || number.numberType !== 'MOBILE' || number.status !== 'available' || skip.has(number.e164)) continue;
    const providers = world.offers.filter((o) => o.e164 === number.e164).map((o) => o.providerId);
    if (providers.length === 1) return { e164: number.e164, providers };
  }
  throw new Error('no French mobile with a single offer in the world');
}

describe('an end user without a local address', () => {
  it('is named LOCAL_ADDRESS missing per provider; its order fails REQUIREMENTS_NOT_MET and the number stays available; once approved at the provider readiness is met; a pending review keeps the line PENDING, then it completes', async () => {
    const used = new Set<string>();
    const { e164, providers } = frenchNumber(used);
    used.add(e164);
    const created = await as('acme', CREATE, { input: { type: 'BUSINESS', name: 'Acme SARL', address: { country: 'DE', locality: 'Berlin' } } });
    expect(created.errors).toBeUndefined();
    const endUser = created.data.createEndUser.endUser.id as string;
    const declaration = Buffer.from('We use the numbers for interpersonal calls only.').toString('base64');
    const added = await as('acme', ADD_DOCUMENT, { input: { endUserId: endUser, type: 'DECLARATION_OF_USE', fileName: 'use.txt', contentBase64: declaration } });
    expect(added.errors).toBeUndefined();
    expect(added.data.addEndUserDocument.document).toMatchObject({ type: 'DECLARATION_OF_USE', size: 48, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const before = await as('acme', READINESS, { e: e164, u: endUser });
    expect(before.errors).toBeUndefined();
    const readiness = before.data.number.orderReadiness;
    expect(readiness.ready).toBe(false);
    expect(readiness.providers.map((p: { provider: { id: string } }) => p.provider.id)).toEqual(providers);
    for (const provider of readiness.providers) {
      expect(provider.status).toBe('NOT_READY');
      expect(provider.requirements).toContainEqual(expect.objectContaining({ requirement: { kind: 'LOCAL_ADDRESS' }, state: 'MISSING' }));
      expect(provider.requirements).toContainEqual(expect.objectContaining({ requirement: { kind: 'DECLARED_USE' }, state: 'MET' }));
    }

    const refused = await as('acme', ORDER, { input: { numbers: [e164], idempotencyKey: `eu-refused-${e164}`, endUserId: endUser } });
    expect(refused.errors).toBeUndefined();
    expect(refused.data.orderNumbers.order.status).toBe('FAILED');
    expect(refused.data.orderNumbers.userErrors).toEqual([{ code: 'REQUIREMENTS_NOT_MET', message: expect.stringContaining('LOCAL_ADDRESS') }]);
    expect((await as('globex', STATUS, { e: e164 })).data.number.status).toBe('AVAILABLE');

    // a French address, submitted: pending review at the provider
    expect((await as('acme', UPDATE, { input: { id: endUser, address: { country: 'FR', locality: 'Paris' } } })).data.updateEndUser.endUser.address).toEqual({ country: 'FR', locality: 'Paris' });
    const submitted = await as('acme', SUBMIT, { input: { endUserId: endUser, country: 'FR', numberType: 'MOBILE' } });
    expect(submitted.errors).toBeUndefined();
    const registrations = submitted.data.submitEndUser.registrations as { provider: { id: string }; id: string; status: string }[];
    expect(registrations.map((r) => r.provider.id)).toEqual(expect.arrayContaining(providers));
    for (const r of registrations) expect(r.status).toBe('PENDING');
    const pending = await as('acme', READINESS, { e: e164, u: endUser });
    for (const provider of pending.data.number.orderReadiness.providers) expect(provider.status).toBe('PENDING_REVIEW');

    const held = await as('acme', ORDER, { input: { numbers: [e164], idempotencyKey: `eu-held-${e164}`, endUserId: endUser } });
    expect(held.errors).toBeUndefined();
    expect(held.data.orderNumbers.order.numbers[0].status).toBe('PENDING');
    const orderId = held.data.orderNumbers.order.id as string;

    // the provider approves: readiness is met, and the held line completes
    for (const r of registrations) {
      const reviewed = await fetch(`${gateway.embedded.providers.simulator!.url}/admin/providers/${r.provider.id}/reviews/${r.id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ decision: 'approve' }) });
      expect(reviewed.status).toBe(200);
    }
    const approvedEvent = await eventuallyPublished(() => published.find((e) => e.type === 'registration.approved' && e.payload.endUserId === endUser));
    expect(approvedEvent).toMatchObject({ source: 'compliance', aggregate: 'registration', tenant: 'acme', payload: { country: 'FR', numberType: 'MOBILE' } });
    const after = await as('acme', READINESS, { e: e164, u: endUser });
    expect(after.data.number.orderReadiness.ready).toBe(true);
    for (const provider of after.data.number.orderReadiness.providers) {
      expect(provider.status).toBe('READY');
      for (const check of provider.requirements) expect(check.state).toBe('MET');
    }
    let status = 'PENDING';
    for (let i = 0; i < 100 && status === 'PENDING'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await as('acme', `query($id: ID!) { order(id: $id) { status } }`, { id: orderId })).data.order.status;
    }
    expect(status).toBe('COMPLETED');
    expect((await as('acme', STATUS, { e: e164 })).data.number.status).toBe('ASSIGNED');

    // the end user's hop (0), from inventory's assignment event: to that tenant only
    const TRAIL = `query($e: String!) { number(e164: $e) { complianceTrail { complete hops { position kind status provider { id } } gaps { position reason } } } }`;
    let trail: any = null;
    for (let i = 0; i < 50; i++) {
      trail = (await as('acme', TRAIL, { e: e164 })).data.number.complianceTrail;
      if (trail.hops[0]?.position === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(trail.hops[0]).toEqual({ position: 0, kind: 'END_USER', status: 'VALID', provider: { id: providers[0] } });
    expect(trail.gaps.filter((g: { position: number }) => g.position === 0)).toEqual([]);
    const othersBefore = (await as('globex', TRAIL, { e: e164 })).data.number.complianceTrail;
    expect(othersBefore.hops.map((h: { position: number }) => h.position)).not.toContain(0);

    // a year on, on the simulator's clock: the registration expired, a gap at the end user's hop
    const moved = await fetch(`${gateway.embedded.providers.simulator!.url}/admin/clock`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: 366 * 86_400_000 }) });
    expect(moved.status).toBe(200);
    const expired = (await as('acme', TRAIL, { e: e164 })).data.number.complianceTrail;
    expect(expired.complete).toBe(false);
    expect(expired.hops[0]).toMatchObject({ position: 0, status: 'EXPIRED' });
    expect(expired.gaps).toContainEqual({ position: 0, reason: expect.stringMatching(/registration at .* expired/) });
    expect(await eventuallyPublished(() => published.find((e) => e.type === 'registration.expired' && e.payload.endUserId === endUser))).toMatchObject({ tenant: 'acme' });
    for (const caller of ['globex', null]) {
      const others = (await as(caller, TRAIL, { e: e164 })).data.number.complianceTrail;
      expect(others.hops.map((h: { position: number }) => h.position)).not.toContain(0);
      expect(others.gaps.map((g: { position: number }) => g.position)).not.toContain(0);
    }
  });

  it('refuses a document over 1.5 MB naming the limit, and bounds the other inputs', async () => {
    const created = await as('acme', CREATE, { input: { type: 'INDIVIDUAL', name: 'Ann' } });
    const endUser = created.data.createEndUser.endUser.id;
    const big = Buffer.alloc(1_572_865, 1).toString('base64');
    const refused = await postGraphQL<any>(gateway.url, ADD_DOCUMENT, { input: { endUserId: endUser, type: 'IDENTITY', fileName: 'id.png', contentBase64: big } }, { authorization: `Bearer ${await keyOf('acme')}` });
    // past the gateway's body limit (2 MB by default) or at compliance: either way a clear refusal
    const message = JSON.stringify(refused);
    expect(message).toMatch(/1572864 bytes \(1\.5 MB\)|BODY_TOO_LARGE/);
    const name = await as('acme', CREATE, { input: { type: 'INDIVIDUAL', name: 'x'.repeat(201) } });
    expect(name.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('input.name') });
  });
});

describe('document expiry', () => {
  it('announces each provider document expiring within 30 days once', async () => {
    const db = gateway.embedded.subgraphs.compliance!.db as Kysely<ComplianceTables>;
    await db.deleteFrom('expiry_announcements').execute();
    const soon = await db.selectFrom('documents').select(['expires_on']).where('expires_on', 'is not', null).orderBy('expires_on', 'desc').limit(1).executeTakeFirstOrThrow();
    const today = new Date(Date.parse(`${soon.expires_on}T00:00:00Z`) - 10 * 86_400_000);
    const before = published.length;
    const announced = await announceExpiries(db, bus, today);
    expect(announced).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const events = published.slice(before).filter((e) => e.type === "document.expiring");
    expect(events).toHaveLength(announced);
    for (const e of events) expect(e.payload.expiresOn).toBe(soon.expires_on);
    expect(await announceExpiries(db, bus, today)).toBe(0);
  });
});

describe('CheckOrder', () => {
  it('answers, per number, each provider\'s readiness for the end user with what is missing and what would satisfy it', async () => {
    const created = await as('acme', CREATE, { input: { type: 'INDIVIDUAL', name: 'Jean', address: { country: 'BE', locality: 'Liège' } } });
    const endUser = created.data.createEndUser.endUser.id as string;
    const numbers = world.numbers.filter((n) => n.country === 'FR' && n.numberType === 'MOBILE').slice(0, 3).map((n) => n.e164);
    const result = await as('acme', operation('CheckOrder'), { e164s: [...numbers, '+447400123456'], endUserId: endUser });
    expect(result.errors).toBeUndefined();
    const rows = result.data.lookupNumbers as { e164: string; orderReadiness: { ready: boolean; providers: { status: string; requirements: { requirement: { kind: string }; state: string }[] }[] } }[];
    expect(rows.map((r) => r.e164)).toEqual([...numbers, '+447400123456']);
    for (const row of rows.slice(0, 3)) {
      expect(row.orderReadiness.ready).toBe(false);
      expect(row.orderReadiness.providers.length).toBeGreaterThan(0);
      for (const provider of row.orderReadiness.providers) {
        expect(provider.status).toBe('NOT_READY');
        expect(provider.requirements).toContainEqual(expect.objectContaining({ requirement: expect.objectContaining({ kind: 'LOCAL_ADDRESS' }), state: 'MISSING' }));
        expect(provider.requirements).toContainEqual(expect.objectContaining({ requirement: expect.objectContaining({ kind: 'DECLARED_USE' }), state: 'MISSING' }));
      }
    }
    // a number no provider offers: nobody to ask
    expect(rows[3]!.orderReadiness).toEqual({ ready: false, providers: [] });
  });
});

describe('isolation', () => {
  it('another tenant and an analyst get nothing of a tenant\'s end users and documents through any field or _entities', async () => {
    const created = await as('acme', CREATE, { input: { type: 'INDIVIDUAL', name: 'Private Person', address: { country: 'GB', locality: 'Leeds' } } });
    const id = created.data.createEndUser.endUser.id as string;
    await as('acme', ADD_DOCUMENT, { input: { endUserId: id, type: 'IDENTITY', fileName: 'passport.pdf', contentBase64: Buffer.from('passport').toString('base64') } });
    const own = await as('acme', `query($id: ID!) { endUser(id: $id) { id documents { totalCount } } endUsers(first: 100) { edges { node { id } } } }`, { id });
    expect(own.data.endUser).toEqual({ id, documents: { totalCount: 1 } });
    for (const caller of ['globex', null]) {
      const seen = await as(caller, `query($id: ID!) { endUser(id: $id) { id name } endUsers(first: 100) { totalCount edges { node { id } } } }`, { id });
      expect(seen.errors).toBeUndefined();
      expect(seen.data.endUser).toBeNull();
      expect(seen.data.endUsers.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(id);
      const e164 = world.numbers.find((n) => n.country === 'FR' && n.numberType === 'MOBILE')!.e164;
      const readiness = await as(caller, READINESS, { e: e164, u: id });
      expect(readiness.data.number.orderReadiness).toBeNull();
      for (const [mutation, input] of [
        [UPDATE, { id, name: 'Stolen' }],
        [ADD_DOCUMENT, { endUserId: id, type: 'IDENTITY', fileName: 'x.pdf', contentBase64: 'eA==' }],
        [SUBMIT, { endUserId: id, country: 'FR', numberType: 'MOBILE' }],
      ] as const) {
        const result = await as(caller, mutation, { input });
        // no data (the analyst's mutation may be refused before it runs), and a refusal
        expect(result.data ?? null).toBeNull();
        expect(result.errors?.[0]?.extensions?.code).toBe(caller === null ? 'FORBIDDEN' : 'BAD_USER_INPUT');
      }
    }
    // _entities, as the gateway would send it for another tenant and for an analyst
    const compliance = gateway.embedded.subgraphs.compliance!;
    for (const identity of [{ role: 'frontend' as const, tenant: 'globex', keyId: 'k' }, { role: 'analyst' as const, tenant: null, keyId: 'k' }]) {
      const result = await execute({
        schema: compliance.schema,
        document: parse(`query($r: [_Any!]!) { _entities(representations: $r) { ... on EndUser { id name documents { edges { node { sha256 } } } } } }`),
        variableValues: { r: [{ __typename: 'EndUser', id }] },
        contextValue: compliance.createContext({ identity, requestId: 'isolation' }),
      });
      expect(result.errors).toBeUndefined();
      expect((result.data as { _entities: unknown[] })._entities).toEqual([null]);
    }
    const stillMine = await as('acme', `query($id: ID!) { endUser(id: $id) { name } }`, { id });
    expect(stillMine.data.endUser.name).toBe('Private Person');
  });
});

describe('a provider that is down', () => {
  it('leaves readiness null with a PROVIDER_UNAVAILABLE error naming it (not an internal error), and is one entry of submitEndUser\'s providerErrors in the same words', async () => {
    const { e164, providers } = frenchNumber(new Set());
    const [down] = providers as [string];
    const created = await as('acme-down', CREATE, { input: { type: 'BUSINESS', name: 'Down SARL', address: { country: 'FR', locality: 'Paris' } } });
    const endUser = created.data.createEndUser.endUser.id as string;
    const simulator = gateway.embedded.providers.simulator!;
    simulator.setBehaviour(down, { down: true });
    const sameWords = new RegExp(`^${down} (is unavailable \\(HTTP 503\\)|is failing: calls to it are paused for a moment)`);
    try {
      const readiness = await as('acme-down', READINESS, { e: e164, u: endUser });
      expect(readiness.data.number.orderReadiness).toBeNull();
      expect(readiness.errors).toHaveLength(1);
      expect(readiness.errors![0]).toMatchObject({ path: ['number', 'orderReadiness'], extensions: { code: 'PROVIDER_UNAVAILABLE', provider: down } });
      expect(readiness.errors![0]!.message).toMatch(sameWords);
      const submitted = await as('acme-down', SUBMIT, { input: { endUserId: endUser, country: 'FR', numberType: 'MOBILE' } });
      expect(submitted.errors).toBeUndefined();
      expect(submitted.data.submitEndUser.providerErrors).toEqual([expect.stringMatching(sameWords)]);
      expect(submitted.data.submitEndUser.registrations.map((r: { provider: { id: string } }) => r.provider.id)).not.toContain(down);
    } finally {
      simulator.setBehaviour(down, { down: false });
    }
  });
});
