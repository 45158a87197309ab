/** The simulated providers' compliance side: documents feed, requirements, end-user registrations under review, and the order gate. */
import { randomUUID } from 'node:crypto';
import type { DocumentsPage, EvaluationResult, Registration, RegistrationRequest } from '../api.js';
import { complianceShape, documentAt, generateDocuments, type WorldDocument } from '../generator/compliance.js';
import { enforcedRules, type MarketRule } from '../generator/requirements.js';
import type { World } from '../generator/world.js';
import { ApiError, badRequest, notFound } from './errors.js';
import { asAddressIdentity, asBundles, asRequirementGroups, DOCUMENT_OF_KIND } from './shapes.js';
import { parseBody } from './validate.js';
import { RegistrationRequestSchema, ReviewRequestSchema } from '../api-schema.js';

/** How long an approved registration stays in force, on the simulator's clock. */
export const REGISTRATION_VALID_MS = 365 * 86_400_000;

interface StoredRegistration {
  request: RegistrationRequest;
  id: string;
  status: 'draft' | 'pending' | 'approved' | 'rejected';
  reason: string | null;
  missing: string[];
  approvedAt: number | null;
}

/** What an order carrying an end user's reference may do with one number at one provider. */
export type OrderGate = { ok: true } | { ok: false; wait: true; registration: string } | { ok: false; wait: false; reason: string };

/**
 * The providers' compliance side: each provider's `GET documents` feed (cursor-paged), its
 * requirements in its own shape, registrations of end users that go draft → pending → approved |
 * rejected → expired on the simulator clock, and the gate an order with `endUserRef` passes.
 */
export class ProviderCompliance {
  private readonly byProvider = new Map<string, WorldDocument[]>();
  private readonly registrations = new Map<string, StoredRegistration[]>();
  private readonly markets = new Map<string, Set<string>>();

  constructor(
    private readonly world: World,
    private readonly clock: () => number,
  ) {
    for (const document of generateDocuments(world)) {
      const list = this.byProvider.get(document.providerId) ?? [];
      list.push(document);
      this.byProvider.set(document.providerId, list);
    }
    for (const p of world.providers) this.markets.set(p.id, new Set(p.markets));
  }

  documents(providerId: string, cursor: string | null, limit: number): DocumentsPage {
    let start = 0;
    if (cursor !== null) {
      if (!/^\d{1,9}$/.test(cursor)) throw badRequest('cursor is not one this feed gave');
      start = Number(cursor);
    }
    const all = this.byProvider.get(providerId) ?? [];
    const items = all.slice(start, start + limit).map((d) => documentAt(d, this.clock()));
    return { items, nextCursor: start + limit < all.length ? String(start + limit) : null };
  }

  /** `GET requirements?country&numberType`: in the provider's own shape; 404 where it has no stock. */
  requirements(providerId: string, params: URLSearchParams): unknown {
    const country = params.get('country') ?? '';
    const numberType = params.get('numberType') ?? '';
    if (!/^[A-Z]{2}$/.test(country) || !/^[A-Z_]{1,32}$/.test(numberType)) throw badRequest('country (ISO alpha-2) and numberType (e.g. MOBILE) are required');
    if (!this.markets.get(providerId)?.has(`${country}:${numberType}`)) throw new ApiError(404, 'no_stock', `no stock in ${country} ${numberType}`);
    const rules = enforcedRules(country, numberType);
    const shape = complianceShape(this.world, providerId);
    return shape === 'bundles' ? asBundles(country, numberType, rules) : shape === 'requirement_groups' ? asRequirementGroups(country, numberType, rules) : asAddressIdentity(country, numberType, rules);
  }

  evaluate(raw: unknown): EvaluationResult {
    const request = parseBody(RegistrationRequestSchema, raw);
    return { missing: missingFor(request, enforcedRules(request.country, request.numberType)) };
  }

  /** A registration: pending review when nothing is missing, else a draft saying what is. */
  register(providerId: string, raw: unknown): Registration {
    const request = parseBody(RegistrationRequestSchema, raw);
    const missing = missingFor(request, enforcedRules(request.country, request.numberType));
    const stored: StoredRegistration = { request, id: randomUUID(), status: missing.length > 0 ? 'draft' : 'pending', reason: missing.length > 0 ? 'incomplete' : null, missing, approvedAt: null };
    this.registrations.set(providerId, [...(this.registrations.get(providerId) ?? []), stored]);
    return this.view(stored);
  }

  list(providerId: string, endUserRef: string): Registration[] {
    return (this.registrations.get(providerId) ?? []).filter((r) => r.request.endUserRef === endUserRef).map((r) => this.view(r));
  }

  /** `PUT /admin/providers/<id>/reviews/<registration>`: `{ decision: approve | reject, reason? }`. */
  review(providerId: string, registrationId: string, raw: unknown): Registration {
    const stored = (this.registrations.get(providerId) ?? []).find((r) => r.id === registrationId);
    if (!stored) throw notFound(`no registration ${registrationId} at ${providerId}`);
    const { decision, reason } = parseBody(ReviewRequestSchema, raw);
    if (stored.status !== 'pending') throw new ApiError(409, 'not_pending', `registration ${registrationId} is ${this.view(stored).status}, not pending review`);
    if (decision === 'approve') {
      stored.status = 'approved';
      stored.approvedAt = this.clock();
    } else {
      stored.status = 'rejected';
      stored.reason = reason ?? 'documents_insufficient';
    }
    return this.view(stored);
  }

  /** Whether an order for `endUserRef` may take this number here now, wait for a review, or is refused. */
  gate(providerId: string, country: string, numberType: string, endUserRef: string): OrderGate {
    const rules = enforcedRules(country, numberType);
    if (rules.length === 0) return { ok: true };
    const mine = this.list(providerId, endUserRef).filter((r) => r.country === country && r.numberType === numberType);
    if (mine.some((r) => r.status === 'approved')) return { ok: true };
    const pending = mine.find((r) => r.status === 'pending');
    if (pending) return { ok: false, wait: true, registration: pending.id };
    const draft = mine.find((r) => r.status === 'draft');
    const missing = draft ? draft.missing : [...new Set(rules.map((r) => r.kind))];
    return { ok: false, wait: false, reason: `requirements_not_met: ${missing.join(', ')}` };
  }

  /** A pending registration's outcome for a held order: still waiting, approved, or refused. */
  decided(providerId: string, registrationId: string): 'pending' | 'approved' | 'rejected' {
    const stored = (this.registrations.get(providerId) ?? []).find((r) => r.id === registrationId);
    const status = stored ? this.view(stored).status : 'rejected';
    return status === 'pending' ? 'pending' : status === 'approved' ? 'approved' : 'rejected';
  }

  private view(stored: StoredRegistration): Registration {
    const expiresAt = stored.approvedAt === null ? null : stored.approvedAt + REGISTRATION_VALID_MS;
    const expired = expiresAt !== null && expiresAt <= this.clock();
    return {
      id: stored.id,
      endUserRef: stored.request.endUserRef,
      country: stored.request.country,
      numberType: stored.request.numberType,
      status: expired ? 'expired' : stored.status,
      reason: stored.reason,
      missing: stored.missing,
      expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
    };
  }
}

/** The kinds of rule the end user's data does not meet (each rule applies to its type of end user). */
export function missingFor(request: RegistrationRequest, rules: MarketRule[]): string[] {
  const has = (type: string) => request.documents.some((d) => d.type === type);
  const missing = rules
    .filter((rule) => rule.appliesTo === 'any end user' || rule.appliesTo === request.endUser.type)
    .filter((rule) => {
      if (rule.kind === 'LOCAL_ADDRESS') return !request.address || request.address.country !== request.country || (rule.addressScope === 'LOCAL_AREA' && !request.address.locality);
      if (rule.kind === 'ADDRESS') return !request.address;
      const document = DOCUMENT_OF_KIND[rule.kind];
      return document ? !has(document) : false;
    })
    .map((rule) => rule.kind);
  return [...new Set(missing)];
}
