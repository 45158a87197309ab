import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { sql, type Kysely } from 'kysely';
import { badUserInput } from '../shared/errors.js';
import { byShortestThenCheapest, chainFrom } from './chain.js';
import type { Context } from './context.js';
import * as repo from './repository.js';
import type { InventoryTables } from './tables.js';

/**
 * What reservations and orders share: the caller must be a tenant, the numbers asked are
 * bounded and valid, and a number is taken for a tenant by one conditional update.
 */
export type Db = Kysely<InventoryTables>;

/** Numbers per reservation, order or release: the providers' own bound. */
export const MAX_NUMBERS_PER_MUTATION = 100;

export interface UserError {
  code: string;
  message: string;
  field: string[] | null;
}

export function requireTenant(ctx: Context): string {
  if (ctx.tenant === null) {
    throw new GraphQLError('reserving, ordering and releasing numbers needs an API key of a tenant (not an analyst)', { extensions: { code: 'FORBIDDEN' } });
  }
  return ctx.tenant;
}

const E164 = /^\+[1-9]\d{1,14}$/;

export function readNumbers(numbers: readonly string[]): string[] {
  if (numbers.length === 0 || numbers.length > MAX_NUMBERS_PER_MUTATION) {
    throw badUserInput(`numbers must list 1 to ${MAX_NUMBERS_PER_MUTATION} numbers, got ${numbers.length}`, 'input');
  }
  numbers.forEach((n, i) => {
    if (!E164.test(n)) throw badUserInput(`numbers[${i}] is not an E.164 number ("+" and up to 15 digits): "${n.slice(0, 20)}"`, 'input');
  });
  if (new Set(numbers).size !== numbers.length) throw badUserInput('numbers lists a number twice', 'input');
  return [...numbers];
}

export const field = (i: number) => ['input', 'numbers', String(i)];
/** What a provider accepts as a reference or idempotency key (APIs cap them, at 64 here). */
const UPSTREAM_TOKEN = /^[A-Za-z0-9._:@-]{1,64}$/;

/** `prefix` + `part`, or, when that would not be a valid upstream token, `prefix` + a digest of `part` that fits. */
export function upstreamToken(prefix: string, part: string): string {
  const plain = `${prefix}${part}`;
  if (UPSTREAM_TOKEN.test(plain)) return plain;
  return `${prefix}${createHash('sha256').update(part).digest('base64url').slice(0, 64 - prefix.length)}`;
}

/** Who holds a tenant's numbers at a provider: the same for its reservations and its orders (a tenant may have 63 characters). */
export const reference = (tenant: string) => upstreamToken('tenant:', tenant);

/**
 * Takes a number for the tenant if it is free (in stock, or its reservation is the tenant's own
 * or over): one conditional UPDATE, so of two tenants claiming at once exactly one succeeds
 * (Postgres re-checks the condition on the locked row).
 */
export async function claim(db: Db, e164: string, tenant: string, set: { status: 'reserved' | 'assigned'; reserved_until: Date | null; order_id: string | null }): Promise<string | null> {
  const result = await db
    .updateTable('numbers')
    .set({ ...set, tenant, updated_at: new Date() })
    .where('e164', '=', e164)
    .where('removed_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'available'),
        eb.and([eb('status', '=', 'reserved'), eb.or([eb('reserved_until', '<=', sql<Date>`now()`), eb('tenant', '=', tenant)])]),
      ]),
    )
    .returning(['status'])
    .executeTakeFirst();
  return result ? e164 : null;
}

/** Gives a number claimed by this order (or, without one, this tenant's reservation) back to stock: the upstream call failed. */
export async function unclaim(db: Db, e164: string, tenant: string, orderId: string | null): Promise<void> {
  await db
    .updateTable('numbers')
    .set({ status: 'available', tenant: null, reserved_until: null, order_id: null, assigned_via_provider_id: null, updated_at: new Date() })
    .where('e164', '=', e164)
    .where('tenant', '=', tenant)
    .where((eb) => (orderId === null ? eb('status', '=', 'reserved') : eb('order_id', '=', orderId)))
    .execute();
}

/** Providers through which a number can be ordered now, best first (shortest chain, then cheapest). */
export async function candidates(ctx: Context, e164: string): Promise<string[]> {
  const offers = await repo.findOffersByNumbers(ctx.db, [e164]);
  const byProvider = new Map(offers.map((o) => [o.provider_id, o]));
  const sources = offers.flatMap((o) => (o.source_provider_id !== null ? [o.source_provider_id] : []));
  const providers = new Map((await repo.findProvidersByIds(ctx.db, [...new Set([...byProvider.keys(), ...sources])])).map((p) => [p.id, p.carrier_id]));
  return offers
    .filter((o) => o.removed_at === null && (o.provider_status === 'available' || o.provider_status === 'reserved'))
    .map((o) => ({ providerId: o.provider_id, tier: chainFrom(o.provider_id, byProvider, (id) => providers.get(id) ?? null).tier, monthly: Number(o.monthly_amount), setup: Number(o.setup_amount) }))
    .sort(byShortestThenCheapest)
    .map((c) => c.providerId);
}
