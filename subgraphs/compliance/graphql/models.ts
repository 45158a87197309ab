/** The compliance resolvers' connection types: pages of end users (documents' and registrations' pages are mapped in codegen.ts). */
import type { Connection } from '../../../platform/pagination.js';
import type { EndUserRow } from '../tables.js';

/** Pages as resolvers build them: totalCount counted only when asked. */
export type EndUserConnectionModel = Connection<EndUserRow>;
