/** The reserveNumbers and releaseNumbers mutations: holds at the provider an order would use, each change with history and outbox event. */
import { sql } from 'kysely';
import { badUserInput } from '../../../contracts/errors.js';
import type { MutationResolvers } from '../generated/resolvers.js';
import { candidates, claim, field, readNumbers, reference, requireTenant, unclaim, type UserError } from '../domain/claims.js';
import { numberEvent, writeEvents } from '../store/outbox.js';
import * as repo from '../store/repository.js';
import { pushTo } from '../../../platform/group.js';
import { isProviderFailure, providerFailureMessage } from '../../provider-failure.js';
import type { ProviderClient } from '../../../providers/client/index.js';
import type { Context } from '../context.js';

const DEFAULT_TTL_SECONDS = 900;

/**
 * Reservations (held upstream at the provider an order would go to first, expiring by themselves)
 * and releases. Each number's change, its history and its outbox event commit together; times
 * are the database's.
 */
export const reservationMutations: Pick<MutationResolvers, 'reserveNumbers' | 'releaseNumbers'> = {
  reserveNumbers: async (_parent, { input }, ctx) => {
    const tenant = requireTenant(ctx);
    const numbers = readNumbers(input.numbers);
    const ttl = input.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    if (!Number.isInteger(ttl) || ttl < 60 || ttl > 3600) throw badUserInput(`ttlSeconds must be between 60 and 3600, got ${ttl}`, 'input');
    const userErrors: UserError[] = [];
    const ok = new Set<string>();
    const claimed: string[] = [];
    // The tenant's reservations still running: asking again extends them, and a failed extension keeps them.
    const held = new Map(
      (await ctx.db.selectFrom('numbers').select(['e164', 'reserved_until']).where('e164', 'in', numbers).where('status', '=', 'reserved').where('tenant', '=', tenant).where('reserved_until', '>', sql<Date>`now()`).execute()).map((row) => [row.e164, row.reserved_until!]),
    );
    for (const [i, e164] of numbers.entries()) {
      const taken = await ctx.db.transaction().execute(async (tx) => {
        const c = await claim(tx, e164, tenant, { reserveSeconds: ttl });
        if (c) await writeEvents(tx, [numberEvent(c, 'number.claimed', tenant, null, { reservation: true })]);
        return c;
      });
      if (taken) claimed.push(e164);
      else userErrors.push({ code: 'NOT_AVAILABLE', message: `${e164} is not available`, field: field(i) });
    }
    // Held upstream at the provider an order would go to first.
    const byProvider = new Map<string, string[]>();
    for (const e164 of claimed) {
      const [best] = await candidates(ctx.db, e164);
      if (best) pushTo(byProvider, best, e164);
    }
    // why a number was not held upstream (absent: the provider answered, and refused it)
    const failed = new Map<string, string>();
    await Promise.all(
      [...byProvider].map(async ([providerId, group]) => {
        const response = await askProvider(ctx, providerId, 'reserve', (api) => api.reserve({ numbers: group, ttlSeconds: ttl, reference: reference(tenant) }));
        if (typeof response === 'string') for (const e164 of group) failed.set(e164, response);
        else for (const outcome of response.results) if (outcome.ok) ok.add(outcome.e164);
      }),
    );
    let expiresAt: string | null = null;
    for (const e164 of claimed) {
      await ctx.db.transaction().execute(async (tx) => {
        if (ok.has(e164)) {
          const row = await tx.selectFrom('numbers').select(['reserved_until', 'version']).where('e164', '=', e164).executeTakeFirstOrThrow();
          expiresAt ??= new Date(row.reserved_until!).toISOString();
          await repo.insertEvents(tx, [{ e164, from_status: held.has(e164) ? 'reserved' : 'available', to_status: 'reserved', actor: 'tenant', reason: `reserved until ${new Date(row.reserved_until!).toISOString()}`, tenant }]);
          await writeEvents(tx, [numberEvent({ e164, version: row.version }, 'number.reserved', tenant, null, { until: new Date(row.reserved_until!).toISOString() })]);
        } else if (held.has(e164)) {
          const until = held.get(e164)!;
          const row = await tx.updateTable('numbers').set({ reserved_until: until, updated_at: sql`now()`, version: sql`version + 1` }).where('e164', '=', e164).where('tenant', '=', tenant).where('status', '=', 'reserved').returning(['e164', 'version']).executeTakeFirst();
          if (row) await writeEvents(tx, [numberEvent(row, 'number.reserved', tenant, null, { until: new Date(until).toISOString(), extended: false })]);
          userErrors.push({ code: 'PROVIDER_FAILED', message: `the provider could not extend the reservation of ${e164}${because(failed.get(e164))}: it stays reserved until ${new Date(until).toISOString()}`, field: field(numbers.indexOf(e164)) });
        } else {
          const row = await unclaim(tx, e164, tenant, null);
          if (row) await writeEvents(tx, [numberEvent(row, 'number.returned', tenant, null, { reason: 'the provider could not reserve it' })]);
          userErrors.push({ code: 'PROVIDER_FAILED', message: `the provider could not reserve ${e164}${because(failed.get(e164))}`, field: field(numbers.indexOf(e164)) });
        }
      });
    }
    return { expiresAt, numbers: numbers.map((e164) => ({ e164, ok: ok.has(e164) })), userErrors };
  },

  releaseNumbers: async (_parent, { input }, ctx) => {
    const tenant = requireTenant(ctx);
    const numbers = readNumbers(input.numbers);
    const rows = new Map((await repo.findNumbersByE164(ctx.db, numbers)).map((r) => [r.e164, r]));
    const userErrors: UserError[] = [];
    const byHolder = new Map<string, string[]>();
    for (const [i, e164] of numbers.entries()) {
      const row = rows.get(e164);
      const holder = row?.assigned_via_provider_id ?? row?.holder_provider_id;
      // Another tenant's number looks exactly like one that is not assigned at all; so does one still being ordered.
      if (!row || row.tenant !== tenant || row.status !== 'assigned' || !row.assigned_via_provider_id || !holder) {
        userErrors.push({ code: 'NOT_YOURS', message: `${e164} is not assigned to you`, field: field(i) });
        continue;
      }
      pushTo(byHolder, holder, e164);
    }
    const released = new Set<string>();
    const failed = new Map<string, string>();
    await Promise.all(
      [...byHolder].map(async ([providerId, group]) => {
        const response = await askProvider(ctx, providerId, 'release', (api) => api.release({ numbers: group }));
        if (typeof response === 'string') for (const e164 of group) failed.set(e164, response);
        else for (const outcome of response.results) if (outcome.ok) released.add(outcome.e164);
      }),
    );
    for (const [i, e164] of numbers.entries()) {
      if (released.has(e164)) {
        await ctx.db.transaction().execute(async (tx) => {
          const row = await tx
            .updateTable('numbers')
            .set({ status: 'aging', tenant: null, order_id: null, assigned_via_provider_id: null, updated_at: sql`now()`, version: sql`version + 1` })
            .where('e164', '=', e164)
            .where('tenant', '=', tenant)
            .where('status', '=', 'assigned')
            .returning(['e164', 'version'])
            .executeTakeFirst();
          if (!row) return;
          await repo.insertEvents(tx, [{ e164, from_status: 'assigned', to_status: 'aging', actor: 'tenant', reason: 'released', tenant }]);
          await writeEvents(tx, [numberEvent(row, 'number.released', tenant, rows.get(e164)!.assigned_via_provider_id, {})]);
        });
      } else if (!userErrors.some((e) => e.field?.[2] === String(i))) {
        userErrors.push({ code: 'PROVIDER_FAILED', message: `the holder could not release ${e164}${because(failed.get(e164))}; try again`, field: field(i) });
      }
    }
    return { numbers: numbers.map((e164) => ({ e164, ok: released.has(e164) })), userErrors };
  },
};

/**
 * One call to a provider for a mutation: its answer, or (when the provider failed, or is no
 * longer in the directory) the failure in the one wording, logged. Any other error is a bug and
 * goes on to the resolver.
 */
async function askProvider<T>(ctx: Context, providerId: string, operation: string, call: (api: ProviderClient) => Promise<T>): Promise<T | string> {
  const api = ctx.upstream.provider(providerId);
  if (!api) {
    ctx.logger.warn({ providerId, operation }, 'inventory: the provider is no longer in the directory');
    return `${providerId} is not in the directory`;
  }
  try {
    return await call(api);
  } catch (error) {
    if (!isProviderFailure(error)) throw error;
    ctx.logger.warn({ err: error, providerId, operation }, 'inventory: a provider call failed');
    return providerFailureMessage(error);
  }
}

const because = (why: string | undefined) => (why ? ` (${why})` : '');
