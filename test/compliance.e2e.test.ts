/** Compliance over the simulator: sourced requirements, documentedShare, each number's trail with its gaps, and statement counts that stay flat. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDocuments, type WorldDocument } from '../providers/generator/compliance.js';
import type { World } from '../providers/generator/world.js';
import { operation, startInventoryGateway, type TestGateway } from './support/gateway.js';
import type { GraphQLResult } from './support/http.js';

/**
 * Compliance through the gateway over the provider simulator: requirements from the sourced
 * data, the trail and documentedShare from the documents the providers publish (synced into
 * compliance's tables). Expectations come from the generated world's documents, never from
 * compliance's own tables.
 */
let gateway: TestGateway;
let world: World;
let documents: WorldDocument[];
beforeAll(async () => {
  gateway = await startInventoryGateway();
  world = gateway.embedded.providers.simulator!.world;
  documents = generateDocuments(world);
});
afterAll(async () => {
  await gateway?.close();
});

const MARKET_DEPTH = operation('MarketDepth');
const LINEAGE = operation('Lineage');
const INVENTORY_LINEAGE = operation('InventoryLineage');

interface ProviderRow {
  provider: { id: string };
  tier: number | null;
  numbers: number;
  documentedShare: number | null;
}

/** The agreements in force in the world, as `<provider>|<counterparty>`. */
function validAgreements(): Set<string> {
  const today = new Date().toISOString().slice(0, 10);
  return new Set(documents.filter((d) => d.kind === 'wholesale_agreement' && (d.expiresOn === null || d.expiresOn >= today)).map((d) => `${d.providerId}|${d.counterparty}`));
}

describe('requirements', () => {
  it('MarketDepth of every world market lists sourced requirements and a documentedShare in [0,1] per provider row, below 1 where the world has gaps', async () => {
    const shares: number[] = [];
    for (const market of world.markets) {
      const result = await gateway.request(MARKET_DEPTH, { country: market.country, numberType: market.numberType });
      expect(result.errors).toBeUndefined();
      const depth = result.data!.market;
      expect(depth.requirements.length, `${market.country} ${market.numberType}`).toBeGreaterThan(0);
      for (const requirement of depth.requirements) expect(requirement).toMatchObject({ kind: expect.any(String), appliesTo: expect.any(String), description: expect.any(String) });
      for (const row of depth.providers as ProviderRow[]) {
        expect(row.documentedShare).not.toBeNull();
        expect(row.documentedShare).toBeGreaterThanOrEqual(0);
        expect(row.documentedShare).toBeLessThanOrEqual(1);
        shares.push(row.documentedShare!);
      }
    }
    expect(shares.some((s) => s < 1)).toBe(true);
    expect(shares.some((s) => s === 1)).toBe(true);
  });

  it('every requirement names its sources, and a market without a confirmed rule says so', async () => {
    const query = `query($c: String!, $t: NumberType!) { requirements(country: $c, numberType: $t) { kind confirmed description providedBy addressScope acceptedDocuments sources { title url retrievedOn } } }`;
    const us = await gateway.request(query, { c: 'US', t: 'FIXED_LINE_OR_MOBILE' });
    expect(us.errors).toBeUndefined();
    expect(us.data!.requirements.length).toBeGreaterThan(0);
    expect(us.data!.requirements[0]).toMatchObject({ kind: 'UNCONFIRMED', confirmed: false });
    const au = await gateway.request(query, { c: 'AU', t: 'FIXED_LINE' });
    expect(au.data!.requirements).toContainEqual(expect.objectContaining({ kind: 'LOCAL_ADDRESS', addressScope: 'LOCAL_AREA', confirmed: true, sources: [expect.objectContaining({ url: expect.stringMatching(/^https:\/\//), retrievedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) })] }));
    for (const [c, t] of [['GB', 'MOBILE'], ['DE', 'MOBILE'], ['IT', 'MOBILE'], ['IE', 'MOBILE']]) {
      const result = await gateway.request(query, { c, t });
      for (const requirement of result.data!.requirements) expect(requirement.sources.length).toBeGreaterThan(0);
    }
    const bad = await gateway.request(query, { c: 'USA', t: 'MOBILE' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('keeps the fields compliance requires from inventory (sellers, chains) between the subgraphs: clients cannot select them', async () => {
    for (const query of ['{ number(e164: "+447400123456") { sellers { id } } }', '{ market(country: "GB", numberType: MOBILE) { providers { chains { numbers } } } }']) {
      const answer = await gateway.request(query);
      expect(answer.data, query).toBeUndefined();
      expect(answer.errors?.map((e) => e.extensions?.code), query).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    }
  });

  it('market() answers a valid pair without stock with zero counts and its requirements; an impossible pair is null', async () => {
    const us = await gateway.request(MARKET_DEPTH, { country: 'US', numberType: 'FIXED_LINE_OR_MOBILE' });
    expect(us.errors).toBeUndefined();
    expect(us.data!.market).toMatchObject({ country: 'US', numberType: 'FIXED_LINE_OR_MOBILE', totalNumbers: 0, directNumbers: 0, resoldNumbers: 0, providers: [] });
    expect(us.data!.market.requirements.length).toBeGreaterThan(0);
    const au = await gateway.request(MARKET_DEPTH, { country: 'AU', numberType: 'FIXED_LINE' });
    expect(au.data!.market.requirements).toContainEqual(expect.objectContaining({ kind: 'LOCAL_ADDRESS' }));
    const none = await gateway.request(MARKET_DEPTH, { country: 'GB', numberType: 'UNKNOWN' });
    expect(none.errors).toBeUndefined();
    expect(none.data!.market).toBeNull();
  });
});

describe('the trail', () => {
  const lineage = async (e164: string) => {
    const result = await gateway.request(LINEAGE, { e164 });
    expect(result.errors).toBeUndefined();
    return result.data!.number;
  };

  /** Catalogued numbers with their chain through the gateway (InventoryLineage pages). */
  async function catalogue(): Promise<{ e164: string; tier: number | null; chain: string[]; carrier: string | null }[]> {
    const out = [];
    let after: string | null = null;
    for (let page = 0; page < 80; page++) {
      const result: GraphQLResult<Record<string, any>> = await gateway.request(`query($after: String) { numbers(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node { e164 tier tierChain { position provider { id } } } } } }`, { after });
      expect(result.errors).toBeUndefined();
      for (const { node } of result.data!.numbers.edges) out.push({ e164: node.e164, tier: node.tier, chain: node.tierChain.map((l: { provider: { id: string } }) => l.provider.id), carrier: null });
      if (!result.data!.numbers.pageInfo.hasNextPage) break;
      after = result.data!.numbers.pageInfo.endCursor;
    }
    return out;
  }

  it('a number whose Tier 2 hop has no agreement is incomplete with one gap at that position; a fully documented chain is complete', async () => {
    const valid = validAgreements();
    const allAgreements = new Set(documents.filter((d) => d.kind === 'wholesale_agreement').map((d) => `${d.providerId}|${d.counterparty}`));
    const tierOf = new Map(world.providers.map((p) => [p.id, p.tier]));
    const numbers = new Map(world.numbers.map((n) => [n.e164, n]));
    const offers = world.offers;
    const declaredOf = (e164: string, holder: string) => offers.find((o) => o.e164 === e164 && o.providerId === holder && o.source.carrierId !== null)?.source.carrierId;
    let gapChecked = false;
    let completeChecked = false;
    for (const n of await catalogue()) {
      if (n.chain.length < 2 || n.tier === null || n.tier !== n.chain.length) continue;
      const last = n.chain[n.chain.length - 1]!;
      const carrier = declaredOf(n.e164, last) ?? offers.find((o) => o.e164 === n.e164 && o.providerId === n.chain[n.chain.length - 2] && o.source.carrierId !== null)?.source.carrierId;
      if (!carrier || carrier !== numbers.get(n.e164)!.rangeHolder.id) continue;
      const keys = n.chain.map((p, i) => `${p}|${i < n.chain.length - 1 ? `provider:${n.chain[i + 1]}` : `carrier:${carrier}`}`);
      const missing = keys.map((k, i) => ({ k, i })).filter(({ k }) => !allAgreements.has(k));
      const invalid = keys.filter((k) => !valid.has(k));
      if (!gapChecked && missing.length === 1 && invalid.length === 1 && tierOf.get(n.chain[missing[0]!.i]!) === 2) {
        const number = await lineage(n.e164);
        const position = missing[0]!.i + 1;
        expect(number.complianceTrail).toEqual({ complete: false, gaps: [{ position, reason: expect.stringMatching(/no wholesale agreement/) }] });
        gapChecked = true;
      }
      if (!completeChecked && invalid.length === 0) {
        expect((await lineage(n.e164)).complianceTrail).toEqual({ complete: true, gaps: [] });
        completeChecked = true;
      }
      if (gapChecked && completeChecked) break;
    }
    expect(gapChecked).toBe(true);
    expect(completeChecked).toBe(true);
  });

  it('a number outside the catalogue has a null trail', async () => {
    expect((await lineage('+447400123456')).complianceTrail).toBeNull();
  });

  it('hops list each provider and the carrier record (n+1), each with its document and status', async () => {
    const first = (await catalogue()).find((n) => n.tier === 1 && n.chain.length === 1)!;
    const result = await gateway.request(`query($e: String!) { number(e164: $e) { tierChain { position } complianceTrail { complete hops { position kind provider { id } carrier { id } status document { kind issuedOn expiresOn publishedBy { id } } } } } }`, { e: first.e164 });
    expect(result.errors).toBeUndefined();
    const hops = result.data!.number.complianceTrail.hops;
    expect(hops.map((h: { position: number; kind: string }) => [h.position, h.kind])).toEqual([[1, 'PROVIDER'], [2, 'CARRIER']]);
    expect(hops[0]).toMatchObject({ provider: { id: first.chain[0] }, document: { kind: 'WHOLESALE_AGREEMENT', publishedBy: { id: first.chain[0] } } });
    expect(hops[1].document === null || hops[1].document.kind === 'ALLOCATION_RECORD').toBe(true);
  });

  it('InventoryLineage at 10 and 500 answers every trail with the same compliance statement count', async () => {
    const compliance = gateway.embedded.subgraphs.compliance!.statements;
    const counts: number[] = [];
    for (const first of [10, 500]) {
      const before = compliance.count;
      const result = await gateway.request(INVENTORY_LINEAGE, { first });
      expect(result.errors).toBeUndefined();
      const edges = result.data!.numbers.edges as { node: { complianceTrail: { complete: boolean } | null } }[];
      expect(edges).toHaveLength(first);
      for (const { node } of edges) expect(node.complianceTrail).not.toBeNull();
      counts.push(compliance.count - before);
    }
    expect(counts[0]).toBe(counts[1]);
    expect(counts[0]).toBeGreaterThan(0);
  });

  it('MarketDepth statement counts in compliance do not grow with the providers of a market', async () => {
    const compliance = gateway.embedded.subgraphs.compliance!.statements;
    const counts = new Set<number>();
    for (const market of world.markets.slice(0, 4)) {
      const before = compliance.count;
      await gateway.request(MARKET_DEPTH, { country: market.country, numberType: market.numberType });
      counts.add(compliance.count - before);
    }
    expect(counts.size).toBe(1);
  });
});
