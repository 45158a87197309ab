/** Tenants' end users: queries and mutations (create, update, attach documents, submit to providers) and a number's order readiness. */
import { createHash, randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Registration, RegistrationRequest } from '../../../providers/api.js';
import { fromProvider, isProviderFailure, providerFailureMessage } from '../../provider-failure.js';
import { badUserInput } from '../../../contracts/errors.js';
import { readCountry, readText } from '../../../platform/input.js';
import { readPage, toConnection } from '../../../platform/pagination.js';
import type { Context } from '../context.js';
import type { MutationResolvers, QueryResolvers, EndUserResolvers, ProviderRegistration } from '../generated/resolvers.js';
import { fromProviderShape } from '../domain/shapes.js';
import type { EndUserRow } from '../tables.js';

/** The largest document an end user may attach, decoded: named in the error. */
export const MAX_DOCUMENT_BYTES = 1_572_864;

function requireTenant(ctx: Context): string {
  if (ctx.tenant === null) throw new GraphQLError('end users and their documents need an API key of a tenant (not an analyst)', { extensions: { code: 'FORBIDDEN' } });
  return ctx.tenant;
}

/** An optional text field, trimmed, or null when absent. */
const bounded = (value: string | null | undefined, field: string, max: number, min = 0): string | null =>
  value === null || value === undefined ? null : readText(value.trim(), field, { min, max });

function readAddress(address: { country: string; locality?: string | null; street?: string | null; postalCode?: string | null } | null | undefined, field: string): EndUserRow['address'] {
  if (!address) return null;
  const country = readCountry(address.country, `${field}.country`);
  return { country, locality: bounded(address.locality, `${field}.locality`, 100, 1), street: bounded(address.street, `${field}.street`, 200, 1), postalCode: bounded(address.postalCode, `${field}.postalCode`, 20, 1) };
}

/** An end user of the caller's tenant, or FORBIDDEN / not found (the same answer for another tenant's id). */
async function ownEndUser(ctx: Context, id: string, field: string): Promise<EndUserRow> {
  requireTenant(ctx);
  const row = id.length <= 100 ? await ctx.loaders.endUsers.load(id) : null;
  if (!row) throw badUserInput(`${field} names no end user of your tenant`, field);
  return row;
}

const DOCUMENT_TYPE: Record<string, RegistrationRequest['documents'][number]['type']> = {
  IDENTITY: 'identity',
  PROOF_OF_ADDRESS: 'proof_of_address',
  ENTITY_REGISTRATION: 'entity_registration',
  DECLARATION_OF_USE: 'declaration_of_use',
  NUMBERING_USE_PLAN: 'numbering_use_plan',
};

/** What a registration carries to a provider: the end user's data and its documents' type, sha256 and size (never the content). */
async function registrationRequest(ctx: Context, user: EndUserRow, country: string, numberType: string): Promise<RegistrationRequest> {
  const documents = await ctx.db.selectFrom('end_user_documents').select(['type', 'sha256', 'size']).where('end_user_id', '=', user.id).orderBy('uploaded_at').limit(20).execute();
  return {
    endUserRef: user.id,
    country,
    numberType,
    endUser: { type: user.type, name: user.name },
    address: user.address ? { country: user.address.country, locality: user.address.locality } : null,
    documents: documents.map((d) => ({ type: DOCUMENT_TYPE[d.type]!, sha256: d.sha256, size: d.size })),
  };
}

const registration = (providerId: string, r: Registration): ProviderRegistration => ({
  provider: { id: providerId },
  id: r.id,
  country: r.country,
  numberType: r.numberType as ProviderRegistration['numberType'],
  // the provider's word is RegistrationStatus's internal value (codegen.ts enumValues)
  status: r.status,
  reason: r.reason,
  missing: r.missing,
  expiresAt: r.expiresAt,
});

export const endUserQueries: Pick<QueryResolvers, 'endUser' | 'endUsers'> = {
  endUser: (_parent, { id }, ctx) => (ctx.tenant === null || id.length > 100 ? null : ctx.loaders.endUsers.load(id)),
  endUsers: async (_parent, args, ctx) => {
    const page = readPage('Query.endUsers', args, 20);
    if (ctx.tenant === null) return toConnection([], page, (u: EndUserRow) => u.id, async () => 0);
    let query = ctx.db.selectFrom('end_users').selectAll().where('tenant', '=', ctx.tenant).orderBy('id').limit(page.limit);
    if (page.afterKey !== null) query = query.where('id', '>', page.afterKey);
    const rows = await query.execute();
    const tenant = ctx.tenant;
    return toConnection(rows, page, (u) => u.id, async () => Number((await ctx.db.selectFrom('end_users').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant', '=', tenant).executeTakeFirstOrThrow()).n));
  },
};

export const endUserMutations: Pick<MutationResolvers, 'createEndUser' | 'updateEndUser' | 'addEndUserDocument' | 'submitEndUser'> = {
  createEndUser: async (_parent, { input }, ctx) => {
    const tenant = requireTenant(ctx);
    const row = await ctx.db
      .insertInto('end_users')
      .values({ id: `eu_${randomUUID().replace(/-/g, '')}`, tenant, type: input.type === 'BUSINESS' ? 'business' : 'individual', name: bounded(input.name, 'input.name', 200, 1)!, address: readAddress(input.address, 'input.address') })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { endUser: row };
  },
  updateEndUser: async (_parent, { input }, ctx) => {
    const user = await ownEndUser(ctx, input.id, 'input.id');
    const row = await ctx.db
      .updateTable('end_users')
      .set({ name: bounded(input.name, 'input.name', 200, 1) ?? user.name, address: input.address ? readAddress(input.address, 'input.address') : user.address })
      .where('id', '=', user.id)
      .where('tenant', '=', user.tenant)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { endUser: row };
  },
  addEndUserDocument: async (_parent, { input }, ctx) => {
    const user = await ownEndUser(ctx, input.endUserId, 'input.endUserId');
    const fileName = bounded(input.fileName, 'input.fileName', 200, 1)!;
    // refused before decoding when the text alone is too long for the limit
    if (input.contentBase64.length > Math.ceil(MAX_DOCUMENT_BYTES / 3) * 4 + 4 || !/^[A-Za-z0-9+/]*={0,2}$/.test(input.contentBase64)) {
      throw badUserInput(input.contentBase64.length > MAX_DOCUMENT_BYTES ? `input.contentBase64 is over the limit of ${MAX_DOCUMENT_BYTES} bytes (1.5 MB) per document` : 'input.contentBase64 must be base64', 'input.contentBase64');
    }
    const content = Buffer.from(input.contentBase64, 'base64');
    if (content.length > MAX_DOCUMENT_BYTES) throw badUserInput(`input.contentBase64 is over the limit of ${MAX_DOCUMENT_BYTES} bytes (1.5 MB) per document`, 'input.contentBase64');
    if (content.length === 0) throw badUserInput('input.contentBase64 is empty', 'input.contentBase64');
    const count = await ctx.db.selectFrom('end_user_documents').select((eb) => eb.fn.countAll<number>().as('n')).where('end_user_id', '=', user.id).executeTakeFirstOrThrow();
    if (Number(count.n) >= 20) throw badUserInput('an end user has at most 20 documents', 'input.endUserId');
    const row = await ctx.db
      .insertInto('end_user_documents')
      .values({ id: `doc_${randomUUID().replace(/-/g, '')}`, end_user_id: user.id, type: input.type, file_name: fileName, sha256: createHash('sha256').update(content).digest('hex'), size: content.length, content })
      .returning(['id', 'type', 'file_name', 'sha256', 'size', 'uploaded_at'])
      .executeTakeFirstOrThrow();
    return { document: { id: row.id, type: row.type as 'IDENTITY', fileName: row.file_name, sha256: row.sha256, size: row.size, uploadedAt: new Date(row.uploaded_at).toISOString() } };
  },
  submitEndUser: async (_parent, { input }, ctx) => {
    const user = await ownEndUser(ctx, input.endUserId, 'input.endUserId');
    const country = readCountry(input.country, 'input.country');
    const request = await registrationRequest(ctx, user, country, input.numberType);
    const registrations: ProviderRegistration[] = [];
    const providerErrors: string[] = [];
    for (const entry of await ctx.upstream.directory()) {
      const client = ctx.upstream.provider(entry.id);
      if (!client) continue;
      try {
        // only providers with stock in the market publish requirements for it
        if ((await ctx.loaders.providerRequirements.load(`${entry.id}|${country}|${input.numberType}`)) === null) continue;
        const made = await client.register(request);
        await ctx.db.insertInto('submissions').values({ end_user_id: user.id, provider_id: entry.id, registration_id: made.id, country, number_type: input.numberType }).execute();
        registrations.push(registration(entry.id, made));
      } catch (error) {
        // a provider's failure leaves the others' registrations standing; anything else is a bug
        if (!isProviderFailure(error)) throw error;
        providerErrors.push(providerFailureMessage(error));
      }
    }
    return { registrations, providerErrors };
  },
};

export const endUserFields: EndUserResolvers = {
  __resolveReference: async (ref, ctx) => (ctx.tenant === null ? null : ctx.loaders.endUsers.load(ref.id)),
  type: (user) => (user.type === 'business' ? 'BUSINESS' : 'INDIVIDUAL'),
  documents: async (user, args, ctx) => {
    const page = readPage(`EndUser.documents:${user.id}`, args, 20);
    let query = ctx.db.selectFrom('end_user_documents').select(['id', 'type', 'file_name', 'sha256', 'size', 'uploaded_at']).where('end_user_id', '=', user.id).orderBy('id').limit(page.limit);
    if (page.afterKey !== null) query = query.where('id', '>', page.afterKey);
    const rows = await query.execute();
    return toConnection(
      rows.map((r) => ({ id: r.id, type: r.type as 'IDENTITY', fileName: r.file_name, sha256: r.sha256, size: r.size, uploadedAt: new Date(r.uploaded_at).toISOString() })),
      page,
      (d) => d.id,
      async () => Number((await ctx.db.selectFrom('end_user_documents').select((eb) => eb.fn.countAll<number>().as('n')).where('end_user_id', '=', user.id).executeTakeFirstOrThrow()).n),
    );
  },
  registrations: async (user, args, ctx) => {
    const page = readPage(`EndUser.registrations:${user.id}`, args, 20);
    const providers = (await ctx.db.selectFrom('submissions').select('provider_id').distinct().where('end_user_id', '=', user.id).orderBy('provider_id').execute()).map((r) => r.provider_id);
    const all = (await fromProvider(() => Promise.all(providers.map(async (p) => (await ctx.loaders.registrations.load(`${p}|${user.id}`)).map((r) => registration(p, r)))), 'registrations')).flat();
    const keyOf = (r: ProviderRegistration) => `${r.provider.id}:${r.id}`;
    const start = page.afterKey === null ? 0 : all.findIndex((r) => keyOf(r) === page.afterKey) + 1;
    return toConnection(all.slice(start, start + page.limit), page, keyOf, async () => all.length);
  },
};

/**
 * Whether an end user may be given a number, per provider that could sell it: the provider's
 * requirements in its own shape, mapped; its registration of the end user for the market
 * (approved: every requirement met; pending: pending review); else a dry-run evaluation of what
 * the end user's data would miss.
 */
export async function orderReadiness(number: { e164: string; country?: string | null; numberType?: string | null; sellers?: { id: string }[] | null }, endUserId: string, ctx: Context) {
  if (ctx.tenant === null || endUserId.length > 100) return null;
  const user = await ctx.loaders.endUsers.load(endUserId);
  if (!user || !number.country || !number.numberType) return null;
  const country = number.country;
  const numberType = number.numberType;
  // a seller that cannot be asked leaves readiness unknown: the field's PROVIDER_UNAVAILABLE error
  const providers = await fromProvider(() => Promise.all(
    (number.sellers ?? []).map(async ({ id }) => {
      const published = await ctx.loaders.providerRequirements.load(`${id}|${country}|${numberType}`);
      const requirements = published === null ? [] : fromProviderShape(published, { title: `${id}: GET requirements?country=${country}&numberType=${numberType}`, url: `provider:${id}/requirements`, retrievedOn: new Date().toISOString().slice(0, 10) });
      const applicable = requirements.filter((r) => r.appliesTo === 'any end user' || r.appliesTo === user.type);
      const mine = (await ctx.loaders.registrations.load(`${id}|${user.id}`)).filter((r) => r.country === country && r.numberType === numberType);
      let state: (kind: string) => 'MET' | 'PENDING' | 'MISSING';
      let status: 'READY' | 'PENDING_REVIEW' | 'NOT_READY';
      if (applicable.length === 0 || mine.some((r) => r.status === 'approved')) {
        state = () => 'MET';
        status = 'READY';
      } else if (mine.some((r) => r.status === 'pending')) {
        state = () => 'PENDING';
        status = 'PENDING_REVIEW';
      } else {
        const client = ctx.upstream.provider(id);
        const missing = new Set(client ? (await client.evaluate(await registrationRequest(ctx, user, country, numberType))).missing : applicable.map((r) => r.kind));
        state = (kind) => (missing.has(kind) ? 'MISSING' : 'MET');
        status = 'NOT_READY';
      }
      return { provider: { id }, status, requirements: applicable.map((requirement) => ({ requirement, state: state(requirement.kind), acceptedDocuments: requirement.acceptedDocuments })) };
    }),
  ), 'order readiness');
  return { ready: providers.some((p) => p.status === 'READY'), providers };
}
