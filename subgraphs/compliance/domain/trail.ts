/** A number's compliance trail: each provider hop's wholesale agreement, the carrier's allocation record, the end user's registration. */
import type { Context } from '../context.js';
import { agreementKey, recordKey } from '../context.js';
import type { ComplianceTrail, DocumentStatus, TrailGap, TrailHop } from '../generated/resolvers.js';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { DocumentRow } from '../tables.js';
import { requirementsOf } from './requirements.js';

/** What compliance requires of inventory's (and allocations') Number to audit its chain. */
export interface ChainFields {
  e164: string;
  tier?: number | null;
  tierChain?: { position: number; provider: { id: string } }[] | null;
  declaredCarrier?: { id: string } | null;
  originatingCarrier?: { id: string } | null;
}

const today = () => new Date().toISOString().slice(0, 10);

/** A document's state now: an expiry date passed counts as expired even before the next sync says so. */
export function statusOf(document: DocumentRow | null): DocumentStatus {
  if (!document) return 'MISSING';
  if (document.status === 'rejected') return 'REJECTED';
  if (document.status === 'expired' || (document.expires_on !== null && document.expires_on < today())) return 'EXPIRED';
  return 'VALID';
}

const party = (counterparty: string) => counterparty.replace(/^provider:/, 'provider ').replace(/^carrier:/, 'carrier ');

function trailDocument(row: DocumentRow): NonNullable<TrailHop['document']> {
  return {
    id: row.id,
    kind: row.kind === 'wholesale_agreement' ? 'WHOLESALE_AGREEMENT' : 'ALLOCATION_RECORD',
    publishedBy: { id: row.provider_id },
    issuedOn: row.issued_on,
    expiresOn: row.expires_on,
  };
}

/**
 * Whom each provider of a chain buys from: the next provider, else the carrier at the end (null
 * for a broken chain, and for a carrier selling its own number: tier n-1, no agreement needed).
 */
export function counterparties(providers: string[], carrierId: string | null, tier: number | null): (string | null | 'self')[] {
  const n = providers.length;
  return providers.map((_, i) => {
    if (i < n - 1) return `provider:${providers[i + 1]}`;
    if (carrierId === null) return null;
    if (tier !== null && tier === n - 1) return 'self';
    return `carrier:${carrierId}`;
  });
}

/**
 * The trail of one number, from the chain inventory declares: each provider hop with its
 * wholesale agreement, then the carrier's allocation record of the range (position n+1). Null
 * when the number has no chain (not catalogued).
 */
export async function complianceTrail(number: ChainFields, ctx: Context): Promise<ComplianceTrail | null> {
  const links = [...(number.tierChain ?? [])].sort((a, b) => a.position - b.position);
  if (links.length === 0) return null;
  const providers = links.map((l) => l.provider.id);
  const declared = number.declaredCarrier?.id ?? null;
  const sources = counterparties(providers, declared, number.tier ?? null);
  // every lookup of every number of the request in one batch each
  const [agreements, record, endUserHop] = await Promise.all([
    ctx.loaders.agreements.loadMany(sources.map((c, i) => (c && c !== 'self' ? agreementKey(providers[i]!, c) : agreementKey(providers[i]!, 'none:')))),
    declared ? ctx.loaders.records.load(recordKey(declared, number.e164)) : Promise.resolve(null),
    endUserHopOf(number.e164, ctx),
  ]);
  const hops: TrailHop[] = [];
  const gaps: TrailGap[] = [];
  if (endUserHop) {
    hops.push(endUserHop.hop);
    if (endUserHop.gap) gaps.push(endUserHop.gap);
  }
  links.forEach((link, i) => {
    const source = sources[i]!;
    const found = agreements[i];
    if (found instanceof Error) throw found;
    if (source === 'self') {
      hops.push({ position: link.position, kind: 'PROVIDER', provider: { id: link.provider.id }, carrier: declared ? { id: declared } : null, document: null, status: 'NOT_REQUIRED' });
      return;
    }
    const document = source === null ? null : (found ?? null);
    const status = statusOf(document);
    hops.push({
      position: link.position,
      kind: 'PROVIDER',
      provider: { id: link.provider.id },
      carrier: i === links.length - 1 && declared ? { id: declared } : null,
      document: document ? trailDocument(document) : null,
      status,
    });
    if (source === null) gaps.push({ position: link.position, reason: `the declared chain is broken after ${link.provider.id}: no source on file` });
    else if (status === 'MISSING') gaps.push({ position: link.position, reason: `no wholesale agreement on file between ${link.provider.id} and ${party(source)}` });
    else if (status === 'EXPIRED') gaps.push({ position: link.position, reason: `the wholesale agreement between ${link.provider.id} and ${party(source)} expired on ${document!.expires_on}` });
    else if (status === 'REJECTED') gaps.push({ position: link.position, reason: `the wholesale agreement between ${link.provider.id} and ${party(source)} was rejected` });
  });
  const position = links[links.length - 1]!.position + 1;
  const holder = number.originatingCarrier?.id ?? null;
  const recordStatus = statusOf(record);
  hops.push({ position, kind: 'CARRIER', provider: null, carrier: declared ? { id: declared } : null, document: record ? trailDocument(record) : null, status: recordStatus });
  if (declared === null) gaps.push({ position, reason: 'no carrier at the end of the declared chain' });
  else if (holder !== null && holder !== declared) gaps.push({ position, reason: `the declared carrier ${declared} differs from the range's holder ${holder}` });
  else if (recordStatus !== 'VALID') gaps.push({ position, reason: recordStatus === 'MISSING' ? `no allocation record on file for ${declared}'s range` : `the allocation record of ${declared}'s range is ${recordStatus.toLowerCase()}` });
  return { complete: gaps.length === 0, hops, gaps };
}

/** What compliance requires of inventory's MarketProvider. */
export interface MarketProviderFields {
  tier?: number | null;
  chains?: { providers: string[]; carrierId: string | null; numbers: number }[] | null;
}

/** Share of the row's numbers whose provider hops all have an agreement in force; null without numbers. */
export async function documentedShare(row: MarketProviderFields, ctx: Context): Promise<number | null> {
  const chains = row.chains ?? [];
  const total = chains.reduce((sum, c) => sum + c.numbers, 0);
  if (total === 0) return null;
  const perChain = chains.map((chain) => ({ chain, sources: counterparties(chain.providers, chain.carrierId, row.tier ?? null) }));
  const keys = perChain.flatMap(({ chain, sources }) => sources.flatMap((s, i) => (s && s !== 'self' ? [agreementKey(chain.providers[i]!, s)] : [])));
  const found = await ctx.loaders.agreements.loadMany(keys);
  const valid = new Set(keys.filter((_, i) => {
    const f = found[i];
    if (f instanceof Error) throw f;
    return statusOf(f ?? null) === 'VALID';
  }));
  let documented = 0;
  for (const { chain, sources } of perChain) {
    const ok = chain.providers.length > 0 && sources.every((s, i) => s === 'self' || (s !== null && valid.has(agreementKey(chain.providers[i]!, s))));
    if (ok) documented += chain.numbers;
  }
  return documented / total;
}

/**
 * The end user's hop (position 0), only to the tenant the number is assigned to: that end user's
 * registration for the market at the provider it was ordered through, asked of the provider now
 * (expired on its clock: a gap). Null for anyone else, and for a number not assigned through
 * an end user.
 */
async function endUserHopOf(e164: string, ctx: Context): Promise<{ hop: TrailHop; gap: TrailGap | null } | null> {
  if (ctx.tenant === null) return null;
  const assignment = await ctx.loaders.assignments.load(e164);
  if (!assignment || assignment.tenant !== ctx.tenant) return null;
  const parsed = parsePhoneNumberFromString(e164);
  const country = parsed?.country ?? null;
  const numberType = parsed?.getType() ?? null;
  const provider = assignment.provider_id;
  const hop = (status: DocumentStatus): TrailHop => ({ position: 0, kind: 'END_USER', provider: provider ? { id: provider } : null, carrier: null, document: null, status });
  if (!assignment.end_user_id || !provider) return { hop: hop('MISSING'), gap: { position: 0, reason: 'assigned without an end user: no registration on file' } };
  const rules = country && numberType ? requirementsOf(country, numberType).filter((r) => r.confirmed && r.providedBy === 'END_USER') : [];
  const registrations = (await ctx.loaders.registrations.load(`${provider}|${assignment.end_user_id}`)).filter((r) => r.country === country && r.numberType === numberType);
  const approved = registrations.find((r) => r.status === 'approved');
  if (approved) return { hop: hop('VALID'), gap: null };
  const expired = registrations.find((r) => r.status === 'expired');
  if (expired) return { hop: hop('EXPIRED'), gap: { position: 0, reason: `the end user's registration at ${provider} expired on ${expired.expiresAt?.slice(0, 10) ?? 'an unknown date'}` } };
  if (rules.length === 0) return { hop: hop('NOT_REQUIRED'), gap: null };
  if (registrations.some((r) => r.status === 'pending')) return { hop: hop('PENDING'), gap: { position: 0, reason: `the end user's registration at ${provider} is under review` } };
  if (registrations.some((r) => r.status === 'rejected')) return { hop: hop('REJECTED'), gap: { position: 0, reason: `the end user's registration at ${provider} was rejected` } };
  return { hop: hop('MISSING'), gap: { position: 0, reason: `no registration of the end user at ${provider}` } };
}
