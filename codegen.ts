/** GraphQL Code Generator config: resolver types per subgraph from its SDL in schema/, committed and checked by check:generated. */
import type { CodegenConfig } from '@graphql-codegen/cli';
import { SUBGRAPH_NAMES } from './subgraphs/names.js';

/**
 * Resolver types per subgraph, from its SDL in schema/. The generated files are committed;
 * `npm run check:generated` fails CI when they are stale.
 */

const mappers: Record<string, Record<string, string>> = {
  compliance: {
    // internal values of enumValues below (the mapper works around graphql-codegen's issue
    // 10204: an inline enumValues map alone types the enum's resolvers as null)
    RegistrationStatus: '../../../providers/api.js#RegistrationStatus as ProviderRegistrationStatus',
    EndUser: '../tables.js#EndUserRow',
    EndUserConnection: '../graphql/models.js#EndUserConnectionModel',
    EndUserDocumentConnection: '../../../platform/pagination.js#Connection<EndUserDocument>',
    ProviderRegistrationConnection: '../../../platform/pagination.js#Connection<ProviderRegistration>',
  },
  allocations: {
    Number: '../models.js#NumberModel',
    Block: '../models.js#BlockModel',
    Carrier: '../models.js#CarrierModel',
    Authority: '../models.js#AuthorityModel',
    BlockSource: '../models.js#BlockSourceModel',
    AuthorityConnection: '../models.js#AuthorityConnectionModel',
    CarrierConnection: '../models.js#CarrierConnectionModel',
    BlockConnection: '../models.js#BlockConnectionModel',
    BlockChange: '../models.js#BlockChangeModel',
    BlockChangeConnection: '../models.js#BlockChangeConnectionModel',
    CountryPlan: '../models.js#CountryPlanModel',
    CountryPlanConnection: '../models.js#CountryPlanConnectionModel',
    CountrySourceConnection: '../models.js#CountrySourceConnectionModel',
  },
  inventory: {
    Capability: '../../../providers/api.js#Capability as ProviderCapability',
    Number: '../graphql/models.js#NumberModel',
    Provider: '../graphql/models.js#ProviderModel',
    Carrier: '../graphql/models.js#CarrierModel',
    TierChainLink: '../graphql/models.js#TierChainLinkModel',
    Offer: '../graphql/models.js#OfferModel',
    Market: '../graphql/models.js#MarketModel',
    MarketProvider: '../graphql/models.js#MarketProviderModel',
    ApiHealth: '../graphql/models.js#ApiHealthModel',
    LiveStatus: '../graphql/models.js#LiveStatusModel',
    StatusTransition: '../graphql/models.js#StatusTransitionModel',
    SearchOffer: '../graphql/models.js#SearchOfferModel',
    SearchResult: '../graphql/models.js#SearchResultModel',
    ProviderError: '../graphql/models.js#ProviderErrorModel',
    SearchNumbersPayload: '../graphql/models.js#SearchNumbersPayloadModel',
    Order: '../graphql/models.js#OrderModel',
    OrderLine: '../graphql/models.js#OrderLineModel',
    NumberResult: '../graphql/models.js#NumberResultModel',
    NumberConnection: '../graphql/models.js#NumberConnectionModel',
    ProviderConnection: '../graphql/models.js#ProviderConnectionModel',
    MarketConnection: '../graphql/models.js#MarketConnectionModel',
    OfferConnection: '../graphql/models.js#OfferConnectionModel',
    StatusTransitionConnection: '../graphql/models.js#StatusTransitionConnectionModel',
    SearchResultConnection: '../graphql/models.js#SearchResultConnectionModel',
    OrderConnection: '../graphql/models.js#OrderConnectionModel',
  },
  routing: {
    Number: '../graphql/models.js#NumberModel',
    Route: '../graphql/models.js#RouteModel',
    VoiceDestination: '../graphql/models.js#VoiceDestinationModel',
    Trunk: '../graphql/models.js#TrunkModel',
    WebhookEndpoint: '../graphql/models.js#WebhookEndpointModel',
    WebhookDelivery: '../graphql/models.js#WebhookDeliveryModel',
    WebhookEndpointConnection: '../graphql/models.js#WebhookEndpointConnectionModel',
    WebhookDeliveryConnection: '../graphql/models.js#WebhookDeliveryConnectionModel',
    TrunkConnection: '../graphql/models.js#TrunkConnectionModel',
  },
};

/**
 * Enums whose values inside a subgraph are the providers' own lower-case words (providers/api.ts):
 * the resolver maps carry these internal values (the schema maps them to the SDL's names both
 * ways), so resolvers pass a provider's 'pending' or 'sms' through instead of re-casing and casting.
 * Each subgraph's resolver map holds the same values at runtime (`Capability: { VOICE: 'voice', ... }`),
 * typed by the generated `<Enum>Resolvers`, so the two cannot drift apart unnoticed.
 */
export const enumValues: Record<string, Record<string, Record<string, string>>> = {
  compliance: {
    RegistrationStatus: { DRAFT: 'draft', PENDING: 'pending', APPROVED: 'approved', REJECTED: 'rejected', EXPIRED: 'expired' },
  },
  inventory: {
    Capability: { VOICE: 'voice', SMS: 'sms', MMS: 'mms', FAX: 'fax' },
  },
};

const config: CodegenConfig = {
  overwrite: true,
  generates: Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => [
      `subgraphs/${name}/generated/resolvers.ts`,
      {
        schema: `schema/${name}.graphql`,
        plugins: [{ add: { content: '/* Generated by graphql-codegen from schema/' + name + '.graphql: do not edit. */' } }, 'typescript', 'typescript-resolvers'],
        config: {
          federation: true,
          disableFederationDirectiveAndScalarInjection: true,
          useIndexSignature: true,
          useTypeImports: true,
          emitLegacyCommonJSImports: false,
          contextType: '../context.js#Context',
          enumsAsTypes: true,
          mappers: mappers[name] ?? {},
          enumValues: enumValues[name] ?? {},
          scalars: { ID: { input: 'string', output: 'string' } },
        },
      },
    ]),
  ),
};

export default config;
