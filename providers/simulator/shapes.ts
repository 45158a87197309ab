/** A market's rules in the three shapes providers publish: Twilio-like bundles, Telnyx-like requirement groups, DIDWW-like requirements. */
import type { RegistrationDocumentType } from '../api.js';
import type { MarketRule } from '../generator/requirements.js';

/**
 * A market's rules in each of the three shapes providers publish (`GET requirements`):
 * Twilio-like regulations of bundle items, Telnyx-like requirement groups of requirement types,
 * DIDWW-like address and identity requirements. compliance/domain/shapes.ts maps each back.
 */

export const DOCUMENT_OF_KIND: Record<string, RegistrationDocumentType | null> = {
  END_USER_IDENTITY: 'identity',
  LOCAL_ENTITY: 'entity_registration',
  DECLARED_USE: 'declaration_of_use',
  RESELLER_LICENCE: 'numbering_use_plan',
  LOCAL_ADDRESS: null,
  ADDRESS: null,
};

const restriction = (rule: MarketRule) =>
  rule.kind === 'LOCAL_ADDRESS' ? (rule.addressScope === 'LOCAL_AREA' ? 'local' : 'national') : rule.addressScope === 'ANY' ? 'any' : 'unspecified';
const endUserType = (rule: MarketRule) => (rule.appliesTo === 'individual' || rule.appliesTo === 'business' ? rule.appliesTo : 'any');
const isAddress = (rule: MarketRule) => rule.kind === 'LOCAL_ADDRESS' || rule.kind === 'ADDRESS';

export interface BundleRegulation {
  regulation: {
    iso_country: string;
    number_type: string;
    requirements: { end_user_type: 'individual' | 'business' | 'any'; item: 'address' | 'supporting_document'; address_requirement?: string; document_type?: string; accepted_documents: string[]; detail: string }[];
  };
}

export interface RequirementGroups {
  data: {
    country_code: string;
    phone_number_type: string;
    action: 'ordering';
    requirement_types: { name: string; type: 'address' | 'document'; applies_to: string; description: string; acceptance_criteria: { locality_limit: string | null; document_type: string | null; acceptable_documents: string[] } }[];
  }[];
}

export interface AddressIdentityRequirements {
  country: string;
  did_group_type: string;
  address_requirements: { restriction: string; identity_type: 'personal' | 'business' | 'any'; proof_types: string[]; description: string }[];
  identity_requirements: { proof_type: string; identity_type: 'personal' | 'business' | 'any'; accepted: string[]; description: string }[];
}

export function asBundles(country: string, numberType: string, rules: MarketRule[]): BundleRegulation {
  return {
    regulation: {
      iso_country: country,
      number_type: numberType,
      requirements: rules.map((rule) =>
        isAddress(rule)
          ? { end_user_type: endUserType(rule), item: 'address' as const, address_requirement: restriction(rule), accepted_documents: rule.acceptedDocuments, detail: rule.description }
          : { end_user_type: endUserType(rule), item: 'supporting_document' as const, document_type: DOCUMENT_OF_KIND[rule.kind] ?? rule.kind.toLowerCase(), accepted_documents: rule.acceptedDocuments, detail: rule.description },
      ),
    },
  };
}

const LOCALITY: Record<string, string> = { local: 'Identical locality as the numbers desired', national: 'Same country as the numbers desired', any: 'Any locality', unspecified: '' };

export function asRequirementGroups(country: string, numberType: string, rules: MarketRule[]): RequirementGroups {
  return {
    data: [
      {
        country_code: country,
        phone_number_type: numberType.toLowerCase(),
        action: 'ordering',
        requirement_types: rules.map((rule) => ({
          name: isAddress(rule) ? 'Address' : rule.kind.replace(/_/g, ' ').toLowerCase(),
          type: isAddress(rule) ? ('address' as const) : ('document' as const),
          applies_to: endUserType(rule),
          description: rule.description,
          acceptance_criteria: {
            locality_limit: isAddress(rule) ? LOCALITY[restriction(rule)] || null : null,
            document_type: isAddress(rule) ? null : (DOCUMENT_OF_KIND[rule.kind] ?? rule.kind.toLowerCase()),
            acceptable_documents: rule.acceptedDocuments,
          },
        })),
      },
    ],
  };
}

const identityType = (rule: MarketRule) => (rule.appliesTo === 'individual' ? 'personal' : rule.appliesTo === 'business' ? 'business' : 'any') as 'personal' | 'business' | 'any';

export function asAddressIdentity(country: string, numberType: string, rules: MarketRule[]): AddressIdentityRequirements {
  return {
    country,
    did_group_type: numberType,
    address_requirements: rules.filter(isAddress).map((rule) => ({ restriction: restriction(rule), identity_type: identityType(rule), proof_types: rule.acceptedDocuments, description: rule.description })),
    identity_requirements: rules
      .filter((rule) => !isAddress(rule))
      .map((rule) => ({ proof_type: DOCUMENT_OF_KIND[rule.kind] ?? rule.kind.toLowerCase(), identity_type: identityType(rule), accepted: rule.acceptedDocuments, description: rule.description })),
  };
}
