/**
 * zod schemas of the provider API (providers/api.ts): the client parses every provider answer
 * with the response schemas, the simulator parses every request body with the request schemas.
 * Each schema is checked at compile time against its api.ts type (same keys, each assignable to
 * the other), so the two cannot drift apart.
 *
 * Messages are written to follow the issue's path ("ttlSeconds must be a whole number from 1 to
 * 3600"): `describeIssues` puts the path in front.
 */
import { z } from 'zod';
import {
  API_LIMITS,
  CAPABILITIES,
  NUMBER_STATUSES,
  type ApiErrorBody,
  type BehaviourPatch,
  type ComplianceDocument,
  type DirectoryEntry,
  type DirectoryResponse,
  type DocumentsPage,
  type EvaluationResult,
  type FeedItem,
  type InventoryPage,
  type Money,
  type NumberOutcome,
  type OrderAccepted,
  type OrderRequest,
  type OrderState,
  type ProviderProfile,
  type Registration,
  type RegistrationList,
  type RegistrationRequest,
  type ReleaseRequest,
  type ReleaseResponse,
  type ReserveRequest,
  type ReserveResponse,
  type RoutingRequest,
  type RoutingState,
  type SearchHit,
  type SearchRequest,
  type SearchResponse,
  type StatusRequest,
  type StatusResponse,
  type StatusResult,
} from './api.js';

// ---- building blocks ------------------------------------------------------------------------

const E164 = /^\+[1-9]\d{6,14}$/;
/** A caller's reference: what holds a reservation and places an order (also the Idempotency-Key). */
export const REFERENCE = /^[A-Za-z0-9._:@-]{1,64}$/;
const END_USER_REF = /^[A-Za-z0-9._:@-]{1,100}$/;
const COUNTRY = /^[A-Z]{2}$/;
const NUMBER_TYPE = /^[A-Z_]{1,32}$/;

/** Says "is required" for a missing value, else `message`. */
const required = (message: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : message);

/** A string matching `pattern`, at most `max` characters; `hint` says what it should be. */
const text = (pattern: RegExp, hint: string, max: number = API_LIMITS.maxStringLength) => {
  const message = `must be ${hint} (at most ${max} characters)`;
  return z.string({ error: required(message) }).max(max, { error: message }).regex(pattern, { error: message });
};
const wholeNumber = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.int({ error: required(message) }).min(min, { error: message }).max(max, { error: message });
};
const share = () => {
  const message = 'must be a number from 0 to 1';
  return z.number({ error: required(message) }).min(0, { error: message }).max(1, { error: message });
};
const flag = () => z.boolean({ error: required('must be true or false') });
/** An optional field: absent or null (as JSON writers often send it) is the same. */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined).optional();

/** A non-empty list of distinct E.164 numbers, at most `max`. */
const numberList = (max: number) =>
  z
    .array(z.string().regex(E164, { error: (issue) => `"${String(issue.input).slice(0, 20)}" is not an E.164 number like +447700900123` }), { error: required('must be a non-empty list of E.164 numbers') })
    .min(1, { error: 'must be a non-empty list of E.164 numbers' })
    .max(max, { error: (issue) => `has ${Array.isArray(issue.input) ? issue.input.length : 'too many'} entries; at most ${max} per call` })
    .superRefine((numbers, ctx) => {
      const seen = new Set<string>();
      numbers.forEach((e164, i) => {
        if (seen.has(e164)) ctx.addIssue({ code: 'custom', path: [i], message: `${e164} is listed twice` });
        seen.add(e164);
      });
    });

/** Most numbers a provider's status batch may hold (the largest batch limit a behaviour may set). */
export const MAX_BATCH_LIMIT = 1000;
/** Largest page cap a behaviour may set. */
export const MAX_PAGE_CAP = 5000;

// ---- responses (what the client accepts from a provider) --------------------------------------

export const MoneySchema = z.object({ amount: z.string().regex(/^-?\d+(\.\d+)?$/, { error: 'must be a decimal string like "1.50"' }), currency: z.string().regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code' }) });
const CapabilitySchema = z.enum(CAPABILITIES as [(typeof CAPABILITIES)[number], ...(typeof CAPABILITIES)[number][]]);
const NumberStatusSchema = z.enum(NUMBER_STATUSES as [(typeof NUMBER_STATUSES)[number], ...(typeof NUMBER_STATUSES)[number][]]);
const e164 = z.string().regex(E164, { error: 'must be an E.164 number' });

export const DirectoryEntrySchema = z.object({ id: z.string().min(1).max(100), name: z.string().max(200), baseUrl: z.url({ protocol: /^https?$/ }) });
/** Most providers a directory may list: a bound on what a remote answer can make the client build. */
export const MAX_DIRECTORY_PROVIDERS = 1000;
export const DirectoryResponseSchema = z.object({ providers: z.array(DirectoryEntrySchema).max(MAX_DIRECTORY_PROVIDERS, { error: `must list at most ${MAX_DIRECTORY_PROVIDERS} providers` }) });

export const ProviderProfileSchema = z.object({
  id: z.string(),
  name: z.string(),
  carrierId: z.string().nullable(),
  batchLimit: z.int().min(1),
  pageCap: z.int().min(1),
});

const NumberSourceSchema = z.object({ carrierId: z.string().nullable(), providerId: z.string().nullable() });
const searchHitShape = {
  e164,
  country: z.string().regex(COUNTRY),
  numberType: z.string(),
  region: z.string().nullable(),
  areaCode: z.string().nullable(),
  capabilities: z.array(CapabilitySchema),
  source: NumberSourceSchema,
  setupPrice: MoneySchema,
  monthlyPrice: MoneySchema,
  status: NumberStatusSchema,
};
export const SearchHitSchema = z.object(searchHitShape);
export const FeedItemSchema = z.object({ ...searchHitShape, changedAt: z.iso.datetime({ offset: true }), removed: z.boolean() });
export const InventoryPageSchema = z.object({ items: z.array(FeedItemSchema), nextCursor: z.string(), hasMore: z.boolean() });
export const SearchResponseSchema = z.object({ numbers: z.array(SearchHitSchema), truncated: z.boolean() });

export const StatusResultSchema = z.discriminatedUnion('found', [
  z.object({ e164, found: z.literal(true), status: NumberStatusSchema, available: z.boolean(), setupPrice: MoneySchema, monthlyPrice: MoneySchema }),
  z.object({ e164, found: z.literal(false) }),
]);
export const StatusResponseSchema = z.object({ results: z.array(StatusResultSchema) });

export const NumberOutcomeSchema = z.object({ e164: z.string(), ok: z.boolean(), reason: z.string().optional() });
export const ReserveResponseSchema = z.object({ reservationId: z.string(), expiresAt: z.iso.datetime({ offset: true }), results: z.array(NumberOutcomeSchema) });
export const OrderAcceptedSchema = z.object({ orderId: z.string().min(1), status: z.literal('accepted') });
export const OrderStateSchema = z.object({
  orderId: z.string(),
  status: z.enum(['accepted', 'completed', 'partial', 'failed']),
  results: z.array(z.object({ e164: z.string(), status: z.enum(['pending', 'completed', 'failed']), reason: z.string().optional() })),
});
export const ReleaseResponseSchema = z.object({ results: z.array(NumberOutcomeSchema) });

export const ComplianceDocumentSchema = z.object({
  id: z.string(),
  kind: z.enum(['wholesale_agreement', 'allocation_record']),
  counterparty: z.string().nullable(),
  carrierId: z.string().nullable(),
  rangePrefix: z.string().nullable(),
  status: z.enum(['valid', 'expired', 'rejected']),
  issuedOn: z.string(),
  expiresOn: z.string().nullable(),
});
export const DocumentsPageSchema = z.object({ items: z.array(ComplianceDocumentSchema), nextCursor: z.string().nullable() });

export const RegistrationSchema = z.object({
  id: z.string(),
  endUserRef: z.string(),
  country: z.string(),
  numberType: z.string(),
  status: z.enum(['draft', 'pending', 'approved', 'rejected', 'expired']),
  reason: z.string().nullable(),
  missing: z.array(z.string()),
  expiresAt: z.string().nullable(),
});
export const RegistrationListSchema = z.object({ registrations: z.array(RegistrationSchema) });
export const EvaluationResultSchema = z.object({ missing: z.array(z.string()) });

/** An error body as providers send it; lenient, since it only colours the error we report. */
export const ApiErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

// ---- requests (what the simulator accepts) ----------------------------------------------------

const digits = text(/^\d{1,15}$/, '1 to 15 digits of the national number');
export const SearchRequestSchema = z.strictObject({
  country: text(COUNTRY, 'an ISO 3166 alpha-2 code like GB'),
  numberType: optional(text(NUMBER_TYPE, 'a libphonenumber type like MOBILE')),
  startsWith: optional(digits),
  contains: optional(digits),
  endsWith: optional(digits),
  region: optional(text(/^[^\u0000-\u001f]{1,64}$/, 'a place name')),
  areaCode: optional(text(/^\d{1,6}$/, '1 to 6 digits')),
  capabilities: optional(z.array(CapabilitySchema, { error: `must be a list of ${CAPABILITIES.join(', ')}` }).max(CAPABILITIES.length, { error: `must be a list of ${CAPABILITIES.join(', ')}` })),
  limit: optional(wholeNumber(1, MAX_PAGE_CAP)),
});

/** Bounded by the largest batch limit; the provider's own (smaller) limit is checked by the handler. */
export const StatusRequestSchema = z.strictObject({ numbers: numberList(MAX_BATCH_LIMIT) });

const reference = text(REFERENCE, 'letters, digits and ._:@-');
export const ReserveRequestSchema = z.strictObject({
  numbers: numberList(API_LIMITS.maxNumbersPerMutation),
  ttlSeconds: wholeNumber(1, API_LIMITS.maxTtlSeconds),
  reference,
});
export const OrderRequestSchema = z.strictObject({
  numbers: numberList(API_LIMITS.maxNumbersPerMutation),
  reference,
  endUserRef: optional(text(END_USER_REF, 'letters, digits and ._:@-', 100)),
});
export const ReleaseRequestSchema = z.strictObject({ numbers: numberList(API_LIMITS.maxNumbersPerMutation) });

/** `PUT /admin/clock` (the simulator's own admin API). */
export const ClockAdvanceSchema = z.strictObject({ advanceMs: wholeNumber(0, 366 * 86_400_000) });
/** `POST /admin/drift`: the share of listed offers to change at once (0 to 1). */
export const DriftRequestSchema = z.strictObject({ fraction: z.number().min(0).max(1) });
/** `POST /admin/providers/<id>/withdraw`. */
export const WithdrawRequestSchema = z.strictObject({ numbers: numberList(API_LIMITS.maxNumbersPerMutation) });
/** `PUT /admin/providers/<id>/reviews/<registration>`. */
export const ReviewRequestSchema = z.strictObject({
  decision: z.enum(['approve', 'reject'], { error: 'must be approve or reject' }),
  reason: optional(text(/^[a-z_]{1,40}$/, 'a reason code like documents_insufficient')),
});

const MAX_TRUNKS = 16;
export const RoutingTrunkSchema = z.strictObject({
  uri: z.string({ error: required('must be a SIP or SIPS URI') }).max(2048, { error: 'must be a SIP or SIPS URI' }).regex(/^sips?:/, { error: 'must be a SIP or SIPS URI' }),
  transport: z.enum(['udp', 'tcp', 'tls'], { error: 'must be one of udp, tcp, tls' }),
  priority: wholeNumber(0, 65_535),
  weight: wholeNumber(0, 65_535),
});
export const RoutingRequestSchema = z.strictObject({
  voice: z
    .strictObject({ trunks: z.array(RoutingTrunkSchema, { error: required(`must list 1 to ${MAX_TRUNKS} trunks`) }).min(1, { error: `must list 1 to ${MAX_TRUNKS} trunks` }).max(MAX_TRUNKS, { error: `must list 1 to ${MAX_TRUNKS} trunks` }) })
    .nullish()
    .transform((voice) => voice ?? null),
  messaging: z
    .strictObject({ endpoint: z.string({ error: required('must be an https URL') }).max(API_LIMITS.maxStringLength * 8, { error: 'must be an https URL' }).startsWith('https://', { error: 'must be an https URL' }) })
    .nullish()
    .transform((messaging) => messaging ?? null),
});
export const RoutingStateSchema = z.object({
  e164: z.string(),
  voice: z.object({ trunks: z.array(z.object({ uri: z.string(), transport: z.enum(['udp', 'tcp', 'tls']), priority: z.int(), weight: z.int() })) }).nullable(),
  messaging: z.object({ endpoint: z.string() }).nullable(),
  updatedAt: z.string(),
});

const DOCUMENT_TYPES = ['identity', 'proof_of_address', 'entity_registration', 'declaration_of_use', 'numbering_use_plan'] as const;
export const RegistrationRequestSchema = z.strictObject({
  endUserRef: text(END_USER_REF, 'letters, digits and ._:@-', 100),
  country: text(COUNTRY, 'an ISO alpha-2 code'),
  numberType: text(NUMBER_TYPE, 'a libphonenumber type'),
  endUser: z.object({ type: z.enum(['individual', 'business'], { error: 'must be individual or business' }), name: text(/^[^\u0000-\u001f]{1,200}$/, 'a name', 200) }, { error: required('must be an object') }),
  address: z
    .object({ country: text(COUNTRY, 'an ISO alpha-2 code'), locality: text(/^[^\u0000-\u001f]{1,100}$/, 'a place name', 100).nullish().transform((l) => l ?? null) })
    .nullish()
    .transform((a) => a ?? null),
  documents: z
    .array(
      z.object({
        type: z.enum(DOCUMENT_TYPES, { error: `must be one of ${DOCUMENT_TYPES.join(', ')}` }),
        sha256: text(/^[0-9a-f]{64}$/, 'a hex sha256'),
        size: z.int({ error: 'must be a positive whole number of bytes' }).min(1, { error: 'must be a positive whole number of bytes' }),
      }),
      { error: required('must be a list of at most 20') },
    )
    .max(20, { error: 'must be a list of at most 20' }),
});

const MAX_LATENCY_MS = 120_000;
const latency = wholeNumber(0, MAX_LATENCY_MS);
export const LatencySpecSchema = z.union(
  [
    z.strictObject({ min: latency, max: latency }).refine((l) => l.min <= l.max, { error: 'min must not exceed max' }),
    z.strictObject({ p50: latency, p99: latency }).refine((l) => l.p50 <= l.p99, { error: 'p50 must not exceed p99' }),
  ],
  { error: 'must be { min, max } or { p50, p99 } in whole milliseconds up to 120000' },
);
export const BehaviourPatchSchema = z.strictObject({
  latencyMs: LatencySpecSchema.optional(),
  errorRate: share().optional(),
  batchLimit: wholeNumber(1, MAX_BATCH_LIMIT).optional(),
  pageCap: wholeNumber(1, MAX_PAGE_CAP).optional(),
  down: flag().optional(),
  lostReplyRate: share().optional(),
  acceptedButSlow: wholeNumber(0, 86_400_000).optional(),
  forgetOrders: flag().optional(),
});

// ---- reporting --------------------------------------------------------------------------------

/** An issue's path as a reader writes it: `voice.trunks[0].uri`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

/** What was wrong, field by field: "ttlSeconds must be a whole number from 1 to 3600; reference is required". */
export function describeIssues(error: z.ZodError, whole = 'the body'): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const at = issuePath(issue.path);
      if (issue.code === 'unrecognized_keys') return `${at || whole} has unknown field(s) ${issue.keys.join(', ')}`;
      return `${at || whole} ${issue.message}`;
    })
    .join('; ');
}

// ---- the compile-time agreement with api.ts ----------------------------------------------------

/** True when A and B have the same keys and each is assignable to the other. */
type Agrees<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? ([A] extends [B] ? ([B] extends [A] ? true : false) : false) : false) : false;
type Checked<Pairs extends Record<string, [unknown, unknown]>> = { [K in keyof Pairs]: Agrees<Pairs[K][0], Pairs[K][1]> };

// A schema and its type that disagree make one of these `false`, which does not compile.
const agreement: Checked<{
  money: [z.infer<typeof MoneySchema>, Money];
  directoryEntry: [z.infer<typeof DirectoryEntrySchema>, DirectoryEntry];
  directory: [z.infer<typeof DirectoryResponseSchema>, DirectoryResponse];
  profile: [z.infer<typeof ProviderProfileSchema>, ProviderProfile];
  searchHit: [z.infer<typeof SearchHitSchema>, SearchHit];
  feedItem: [z.infer<typeof FeedItemSchema>, FeedItem];
  inventoryPage: [z.infer<typeof InventoryPageSchema>, InventoryPage];
  searchResponse: [z.infer<typeof SearchResponseSchema>, SearchResponse];
  statusResult: [z.infer<typeof StatusResultSchema>, StatusResult];
  statusResponse: [z.infer<typeof StatusResponseSchema>, StatusResponse];
  numberOutcome: [z.infer<typeof NumberOutcomeSchema>, NumberOutcome];
  reserveResponse: [z.infer<typeof ReserveResponseSchema>, ReserveResponse];
  orderAccepted: [z.infer<typeof OrderAcceptedSchema>, OrderAccepted];
  orderState: [z.infer<typeof OrderStateSchema>, OrderState];
  releaseResponse: [z.infer<typeof ReleaseResponseSchema>, ReleaseResponse];
  document: [z.infer<typeof ComplianceDocumentSchema>, ComplianceDocument];
  documentsPage: [z.infer<typeof DocumentsPageSchema>, DocumentsPage];
  registration: [z.infer<typeof RegistrationSchema>, Registration];
  registrationList: [z.infer<typeof RegistrationListSchema>, RegistrationList];
  evaluation: [z.infer<typeof EvaluationResultSchema>, EvaluationResult];
  errorBody: [z.infer<typeof ApiErrorBodySchema>, ApiErrorBody];
  searchRequest: [z.output<typeof SearchRequestSchema>, SearchRequest];
  statusRequest: [z.infer<typeof StatusRequestSchema>, StatusRequest];
  reserveRequest: [z.infer<typeof ReserveRequestSchema>, ReserveRequest];
  orderRequest: [z.output<typeof OrderRequestSchema>, OrderRequest];
  releaseRequest: [z.infer<typeof ReleaseRequestSchema>, ReleaseRequest];
  routingRequest: [z.output<typeof RoutingRequestSchema>, RoutingRequest];
  routingState: [z.infer<typeof RoutingStateSchema>, RoutingState];
  registrationRequest: [z.output<typeof RegistrationRequestSchema>, RegistrationRequest];
  behaviourPatch: [z.infer<typeof BehaviourPatchSchema>, BehaviourPatch];
}> = {
  money: true,
  directoryEntry: true,
  directory: true,
  profile: true,
  searchHit: true,
  feedItem: true,
  inventoryPage: true,
  searchResponse: true,
  statusResult: true,
  statusResponse: true,
  numberOutcome: true,
  reserveResponse: true,
  orderAccepted: true,
  orderState: true,
  releaseResponse: true,
  document: true,
  documentsPage: true,
  registration: true,
  registrationList: true,
  evaluation: true,
  errorBody: true,
  searchRequest: true,
  statusRequest: true,
  reserveRequest: true,
  orderRequest: true,
  releaseRequest: true,
  routingRequest: true,
  routingState: true,
  registrationRequest: true,
  behaviourPatch: true,
};
void agreement;
