/** The generated world's compliance documents per provider (agreements, allocation records) with deliberate gaps, and each one's shape. */
import type { ComplianceDocument } from '../api.js';
import { Random } from './random.js';
import type { World } from './world.js';

/** A document as the world holds it: its publisher and its expiry; its status follows the clock. */
export type WorldDocument = Omit<ComplianceDocument, 'status'> & { providerId: string; rejected: boolean };

/** Share of Tier 2 and Tier 3 agreements that are missing, and that have expired: the gaps resale leaves. */
export const MISSING_AGREEMENT_SHARE = 0.25;
export const EXPIRED_AGREEMENT_SHARE = 0.15;
const VALID_UNTIL = '2029-12-31';
const EXPIRED_ON = '2025-06-30';

/**
 * The documents each provider publishes, deterministic from the world: a wholesale agreement for
 * every source it declares (none for a carrier selling its own numbers), and the carrier's
 * allocation record of every range it sells from directly. Gaps, as resale leaves them: some
 * Tier 2 and 3 agreements are missing or expired (at least one of each), and a declared carrier
 * that is not the range's holder has no allocation record for that range.
 */
export function generateDocuments(world: World): WorldDocument[] {
  const rng = new Random(world.seed ^ 0xd0c5);
  const tierOf = new Map(world.providers.map((p) => [p.id, p.tier]));
  const carrierOf = new Map(world.providers.map((p) => [p.id, p.carrierId]));
  const numbers = new Map(world.numbers.map((n) => [n.e164, n]));
  const agreements = new Map<string, { providerId: string; counterparty: string }>();
  const records = new Map<string, { providerId: string; carrierId: string; rangePrefix: string }>();
  for (const offer of world.offers) {
    const { providerId, source } = offer;
    if (source.providerId !== null) agreements.set(`${providerId}|provider:${source.providerId}`, { providerId, counterparty: `provider:${source.providerId}` });
    if (source.carrierId !== null) {
      // bought outright: the seller it came from holds the agreement with the carrier
      const buyer = source.providerId ?? providerId;
      if (carrierOf.get(buyer) !== source.carrierId) agreements.set(`${buyer}|carrier:${source.carrierId}`, { providerId: buyer, counterparty: `carrier:${source.carrierId}` });
      const number = numbers.get(offer.e164)!;
      // the carrier's record of the range, as the direct buyer files it: only the range's real holder has one
      if (number.rangeHolder.id === source.carrierId) {
        records.set(`${buyer}|${source.carrierId}|${number.rangePrefix}`, { providerId: buyer, carrierId: source.carrierId, rangePrefix: number.rangePrefix });
      }
    }
  }
  const documents: WorldDocument[] = [];
  const resale = [...agreements.entries()].sort(([a], [b]) => a.localeCompare(b)).filter(([, a]) => (tierOf.get(a.providerId) ?? 1) >= 2);
  const missing = new Set<string>();
  const expired = new Set<string>();
  for (const [key] of resale) {
    const draw = rng.next();
    if (draw < MISSING_AGREEMENT_SHARE) missing.add(key);
    else if (draw < MISSING_AGREEMENT_SHARE + EXPIRED_AGREEMENT_SHARE) expired.add(key);
  }
  // every world has both kinds of gap
  if (missing.size === 0 && resale[0]) missing.add(resale[0][0]);
  if (expired.size === 0) {
    const next = resale.find(([key]) => !missing.has(key));
    if (next) expired.add(next[0]);
  }
  let n = 0;
  for (const [key, agreement] of [...agreements.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (missing.has(key)) continue;
    documents.push({
      id: `agr-${++n}`,
      providerId: agreement.providerId,
      kind: 'wholesale_agreement',
      counterparty: agreement.counterparty,
      carrierId: null,
      rangePrefix: null,
      issuedOn: '2022-01-01',
      expiresOn: expired.has(key) ? EXPIRED_ON : VALID_UNTIL,
      rejected: false,
    });
  }
  for (const [, record] of [...records.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    documents.push({ id: `rec-${++n}`, providerId: record.providerId, kind: 'allocation_record', counterparty: null, carrierId: record.carrierId, rangePrefix: record.rangePrefix, issuedOn: '2020-01-01', expiresOn: null, rejected: false });
  }
  return documents;
}

/** A document as its publisher's feed shows it at `now` (ms): expired once its expiry date has passed. */
export function documentAt(document: WorldDocument, now: number): ComplianceDocument {
  const { providerId: _publisher, rejected, ...rest } = document;
  const expired = document.expiresOn !== null && Date.parse(`${document.expiresOn}T23:59:59Z`) < now;
  return { ...rest, status: rejected ? 'rejected' : expired ? 'expired' : 'valid' };
}

const SHAPES = ['bundles', 'requirement_groups', 'addresses'] as const;

/** Which of the three published compliance shapes a provider speaks: in turn over the world's providers. */
export function complianceShape(world: World, providerId: string): (typeof SHAPES)[number] {
  const index = world.providers.findIndex((p) => p.id === providerId);
  return SHAPES[Math.max(0, index) % SHAPES.length]!;
}
