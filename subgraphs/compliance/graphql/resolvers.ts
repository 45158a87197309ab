/** The compliance subgraph's resolvers: requirements, end users, Number's compliance trail and order readiness, documented share per provider. */
import { readCountry } from '../../../platform/input.js';
import type { Resolvers } from '../generated/resolvers.js';
import { requirementsOf } from '../domain/requirements.js';
import { endUserFields, endUserMutations, endUserQueries, orderReadiness } from './end-users.js';
import { complianceTrail, documentedShare, type ChainFields, type MarketProviderFields } from '../domain/trail.js';

export const resolvers: Resolvers = {
  // internal values: the providers' words (codegen.ts enumValues); GraphQL answers PENDING, APPROVED, ...
  RegistrationStatus: { DRAFT: 'draft', PENDING: 'pending', APPROVED: 'approved', REJECTED: 'rejected', EXPIRED: 'expired' },
  Query: {
    requirements: (_parent, { country, numberType }) => requirementsOf(readCountry(country, 'country'), numberType),
    ...endUserQueries,
  },
  Mutation: endUserMutations,
  EndUser: endUserFields,
  Number: {
    __resolveReference: (ref) => ref,
    complianceTrail: (number, _args, ctx) => complianceTrail(number as ChainFields, ctx),
    orderReadiness: (number, { endUserId }, ctx) => orderReadiness(number as { e164: string; country?: string | null; numberType?: string | null; sellers?: { id: string }[] | null }, endUserId, ctx),
  },
  Market: {
    __resolveReference: (ref) => ref,
    requirements: (market) => requirementsOf(market.country, market.numberType),
  },
  MarketProvider: {
    __resolveReference: (ref) => ref,
    documentedShare: (row, _args, ctx) => documentedShare(row as MarketProviderFields, ctx),
  },
};
