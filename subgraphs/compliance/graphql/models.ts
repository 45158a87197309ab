/** The compliance resolvers' connection types: pages of end users, their documents and provider registrations. */
import type { Connection } from '../../../platform/pagination.js';
import type { EndUserDocument, ProviderRegistration } from '../generated/resolvers.js';
import type { EndUserRow } from '../tables.js';

/** Pages as resolvers build them: totalCount counted only when asked. */
export type EndUserConnectionModel = Connection<EndUserRow>;
export type EndUserDocumentConnectionModel = Connection<EndUserDocument>;
export type ProviderRegistrationConnectionModel = Connection<ProviderRegistration>;
