import { badUserInput } from '../shared/errors.js';
import type { MutationResolvers } from './generated/resolvers.js';
import { candidates, claim, field, readNumbers, reference, requireTenant, unclaim, type UserError } from './claims.js';
import * as repo from './repository.js';

const DEFAULT_TTL_SECONDS = 900;

/** Reservations (held upstream at the provider an order would go to first, expiring by themselves) and releases. */
export const reservationMutations: Pick<MutationResolvers, 'reserveNumbers' | 'releaseNumbers'> = {
  reserveNumbers: async (_parent, { input }, ctx) => {
    const tenant = requireTenant(ctx);
    const numbers = readNumbers(input.numbers);
    const ttl = input.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    if (!Number.isInteger(ttl) || ttl < 60 || ttl > 3600) throw badUserInput(`ttlSeconds must be between 60 and 3600, got ${ttl}`, 'input');
    const until = new Date(Date.now() + ttl * 1000);
    const userErrors: UserError[] = [];
    const ok = new Set<string>();
    const claimed: string[] = [];
    // The tenant's reservations still running: asking again extends them, and a failed extension keeps them.
    const held = new Map(
      (await repo.findNumbersByE164(ctx.db, numbers))
        .filter((row) => row.status === 'reserved' && row.tenant === tenant && row.reserved_until !== null && new Date(row.reserved_until) > new Date())
        .map((row) => [row.e164, new Date(row.reserved_until!)]),
    );
    for (const [i, e164] of numbers.entries()) {
      if (await claim(ctx.db, e164, tenant, { status: 'reserved', reserved_until: until, order_id: null })) claimed.push(e164);
      else userErrors.push({ code: 'NOT_AVAILABLE', message: `${e164} is not available`, field: field(i) });
    }
    // Held upstream at the provider an order would go to first.
    const byProvider = new Map<string, string[]>();
    for (const e164 of claimed) {
      const [best] = await candidates(ctx, e164);
      if (best) byProvider.set(best, [...(byProvider.get(best) ?? []), e164]);
    }
    await Promise.all(
      [...byProvider].map(async ([providerId, group]) => {
        try {
          const response = await ctx.upstream.provider(providerId)!.reserve({ numbers: group, ttlSeconds: ttl, reference: reference(tenant) });
          for (const outcome of response.results) if (outcome.ok) ok.add(outcome.e164);
        } catch {
          // every number of the group is given back below
        }
      }),
    );
    const events: repo.NewEvent[] = [];
    for (const e164 of claimed) {
      if (ok.has(e164)) {
        events.push({ e164, from_status: held.has(e164) ? 'reserved' : 'available', to_status: 'reserved', actor: 'tenant', reason: `reserved until ${until.toISOString()}`, tenant });
      } else if (held.has(e164)) {
        const until = held.get(e164)!;
        await ctx.db.updateTable('numbers').set({ reserved_until: until, updated_at: new Date() }).where('e164', '=', e164).where('tenant', '=', tenant).where('status', '=', 'reserved').execute();
        userErrors.push({ code: 'PROVIDER_FAILED', message: `the provider could not extend the reservation of ${e164}: it stays reserved until ${until.toISOString()}`, field: field(numbers.indexOf(e164)) });
      } else {
        await unclaim(ctx.db, e164, tenant, null);
        userErrors.push({ code: 'PROVIDER_FAILED', message: `the provider could not reserve ${e164}`, field: field(numbers.indexOf(e164)) });
      }
    }
    await repo.insertEvents(ctx.db, events);
    return { expiresAt: ok.size > 0 ? until.toISOString() : null, numbers: numbers.map((e164) => ({ e164, ok: ok.has(e164) })), userErrors };
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
      // Another tenant's number looks exactly like one that is not assigned at all.
      if (!row || row.tenant !== tenant || row.status !== 'assigned' || !holder) {
        userErrors.push({ code: 'NOT_YOURS', message: `${e164} is not assigned to you`, field: field(i) });
        continue;
      }
      byHolder.set(holder, [...(byHolder.get(holder) ?? []), e164]);
    }
    const released = new Set<string>();
    await Promise.all(
      [...byHolder].map(async ([providerId, group]) => {
        try {
          const response = await ctx.upstream.provider(providerId)!.release({ numbers: group });
          for (const outcome of response.results) if (outcome.ok) released.add(outcome.e164);
        } catch {
          // reported per number below
        }
      }),
    );
    const events: repo.NewEvent[] = [];
    for (const [i, e164] of numbers.entries()) {
      if (released.has(e164)) {
        await ctx.db
          .updateTable('numbers')
          .set({ status: 'aging', tenant: null, order_id: null, assigned_via_provider_id: null, updated_at: new Date() })
          .where('e164', '=', e164)
          .where('tenant', '=', tenant)
          .execute();
        events.push({ e164, from_status: 'assigned', to_status: 'aging', actor: 'tenant', reason: 'released', tenant });
      } else if (!userErrors.some((e) => e.field?.[2] === String(i))) {
        userErrors.push({ code: 'PROVIDER_FAILED', message: `the holder could not release ${e164}; try again`, field: field(i) });
      }
    }
    await repo.insertEvents(ctx.db, events);
    return { numbers: numbers.map((e164) => ({ e164, ok: released.has(e164) })), userErrors };
  },
};
