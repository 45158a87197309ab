/** Each provider requirement shape maps back onto the requirement model per market; unknown kinds kept as UNCONFIRMED, unknown bodies dropped. */
import { describe, expect, it } from 'vitest';
import { enforcedRules } from '../../../providers/generator/requirements.js';
import { asAddressIdentity, asBundles, asRequirementGroups } from '../../../providers/simulator/shapes.js';
import { fromAddressIdentity, fromBundles, fromProviderShape, fromRequirementGroups } from './shapes.js';

const SOURCE = { title: 'test', url: 'provider:test/requirements', retrievedOn: '2026-12-02' };
const MARKETS = [
  ['AU', 'FIXED_LINE'],
  ['AU', 'MOBILE'],
  ['FR', 'MOBILE'],
  ['DE', 'MOBILE'],
  ['GB', 'MOBILE'],
  ['GB', 'FIXED_LINE'],
  ['IT', 'FIXED_LINE'],
  ['CL', 'FIXED_LINE_OR_MOBILE'],
  ['US', 'FIXED_LINE_OR_MOBILE'],
] as const;

/** What the model keeps of a rule: the mapping must give each of these back. */
const essence = (r: { kind: string; appliesTo: string; addressScope: string | null; acceptedDocuments: string[] }) => ({ kind: r.kind, appliesTo: r.appliesTo, addressScope: r.addressScope, acceptedDocuments: r.acceptedDocuments });

describe.each([
  ['Twilio-like bundles', asBundles, fromBundles],
  ['Telnyx-like requirement groups', asRequirementGroups, fromRequirementGroups],
  ['DIDWW-like addresses and identity', asAddressIdentity, fromAddressIdentity],
] as const)('%s', (_name, render, map) => {
  it.each(MARKETS)('maps %s %s back onto the requirement model', (country, numberType) => {
    const rules = enforcedRules(country, numberType);
    const published = render(country, numberType, rules);
    const mapped = map(published, SOURCE);
    // DIDWW-like lists addresses first, then identity proofs: compare as sets of rules
    const sort = (list: ReturnType<typeof essence>[]) => [...list].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const expected = rules.map(essence);
    expect(sort(mapped.map(essence))).toEqual(sort(expected));
    for (const m of mapped) expect(m).toMatchObject({ providedBy: 'END_USER', confirmed: true, sources: [SOURCE] });
    expect(fromProviderShape(published, SOURCE)).toEqual(mapped);
  });
});

describe('a shape the model has no kind for', () => {
  it('keeps it as UNCONFIRMED with the provider\'s words rather than dropping it', () => {
    const mapped = fromBundles({ regulation: { requirements: [{ end_user_type: 'business', item: 'supporting_document', document_type: 'tax_certificate', accepted_documents: [], detail: 'A tax certificate' }] } }, SOURCE);
    expect(mapped).toEqual([expect.objectContaining({ kind: 'UNCONFIRMED', appliesTo: 'business', description: 'A tax certificate', confirmed: false })]);
  });

  it('maps an unknown body to no requirement', () => {
    expect(fromProviderShape({ something: 'else' }, SOURCE)).toEqual([]);
  });
});
