/** Mapping the three provider requirement shapes (Twilio-, Telnyx-, DIDWW-like) onto the requirement model, unknown kinds as UNCONFIRMED. */
import type { AddressScope, RequirementKind } from '../generated/resolvers.js';

/**
 * The three shapes providers publish their requirements in (`GET requirements`), each mapped onto
 * the project's requirement model: Twilio-like bundle regulations, Telnyx-like requirement
 * groups, DIDWW-like address and identity requirements. Anything a shape says that the model has
 * no kind for is kept as UNCONFIRMED with the provider's words, never dropped silently.
 */
export interface MappedRequirement {
  kind: RequirementKind;
  appliesTo: string;
  description: string;
  providedBy: 'END_USER';
  addressScope: AddressScope | null;
  acceptedDocuments: string[];
  confirmed: boolean;
  sources: { title: string; url: string; retrievedOn: string }[];
}

const KIND_OF_DOCUMENT: Record<string, RequirementKind> = {
  identity: 'END_USER_IDENTITY',
  entity_registration: 'LOCAL_ENTITY',
  declaration_of_use: 'DECLARED_USE',
  numbering_use_plan: 'RESELLER_LICENCE',
};

function address(restriction: string | null | undefined): { kind: RequirementKind; addressScope: AddressScope | null } {
  if (restriction === 'local') return { kind: 'LOCAL_ADDRESS', addressScope: 'LOCAL_AREA' };
  if (restriction === 'national') return { kind: 'LOCAL_ADDRESS', addressScope: 'NATIONAL' };
  if (restriction === 'any') return { kind: 'ADDRESS', addressScope: 'ANY' };
  return { kind: 'ADDRESS', addressScope: null };
}

const appliesTo = (who: string | undefined) => (who === 'individual' || who === 'personal' ? 'individual' : who === 'business' ? 'business' : 'any end user');
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const record = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const list = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.map(record) : []);

function documentKind(type: string): RequirementKind {
  return KIND_OF_DOCUMENT[type] ?? 'UNCONFIRMED';
}

function mapped(kind: RequirementKind, who: string | undefined, description: string, addressScope: AddressScope | null, accepted: string[], source: MappedRequirement['sources'][number]): MappedRequirement {
  return { kind, appliesTo: appliesTo(who), description, providedBy: 'END_USER', addressScope, acceptedDocuments: accepted, confirmed: kind !== 'UNCONFIRMED', sources: [source] };
}

/** Twilio-like: `{ regulation: { requirements: [{ end_user_type, item: address | supporting_document, ... }] } }`. */
export function fromBundles(body: unknown, source: MappedRequirement['sources'][number]): MappedRequirement[] {
  return list(record(record(body).regulation).requirements).map((r) =>
    r.item === 'address'
      ? (({ kind, addressScope }) => mapped(kind, text(r.end_user_type), text(r.detail), addressScope, strings(r.accepted_documents), source))(address(text(r.address_requirement)))
      : mapped(documentKind(text(r.document_type)), text(r.end_user_type), text(r.detail), null, strings(r.accepted_documents), source),
  );
}

const LOCALITY: Record<string, string> = { 'Identical locality as the numbers desired': 'local', 'Same country as the numbers desired': 'national', 'Any locality': 'any' };

/** Telnyx-like: `{ data: [{ requirement_types: [{ type: address | document, acceptance_criteria, applies_to }] }] }`. */
export function fromRequirementGroups(body: unknown, source: MappedRequirement['sources'][number]): MappedRequirement[] {
  return list(record(body).data).flatMap((group) =>
    list(group.requirement_types).map((t) => {
      const criteria = record(t.acceptance_criteria);
      if (t.type === 'address') {
        const { kind, addressScope } = address(LOCALITY[text(criteria.locality_limit)] ?? null);
        return mapped(kind, text(t.applies_to), text(t.description), addressScope, strings(criteria.acceptable_documents), source);
      }
      return mapped(documentKind(text(criteria.document_type)), text(t.applies_to), text(t.description), null, strings(criteria.acceptable_documents), source);
    }),
  );
}

/** DIDWW-like: `{ address_requirements: [{ restriction, identity_type, proof_types }], identity_requirements: [{ proof_type, identity_type, accepted }] }`. */
export function fromAddressIdentity(body: unknown, source: MappedRequirement['sources'][number]): MappedRequirement[] {
  const b = record(body);
  return [
    ...list(b.address_requirements).map((a) => {
      const { kind, addressScope } = address(text(a.restriction));
      return mapped(kind, text(a.identity_type), text(a.description), addressScope, strings(a.proof_types), source);
    }),
    ...list(b.identity_requirements).map((i) => mapped(documentKind(text(i.proof_type)), text(i.identity_type), text(i.description), null, strings(i.accepted), source)),
  ];
}

/** Whichever shape the body is in. */
export function fromProviderShape(body: unknown, source: MappedRequirement['sources'][number]): MappedRequirement[] {
  const b = record(body);
  if ('regulation' in b) return fromBundles(body, source);
  if ('data' in b) return fromRequirementGroups(body, source);
  if ('address_requirements' in b || 'identity_requirements' in b) return fromAddressIdentity(body, source);
  return [];
}
