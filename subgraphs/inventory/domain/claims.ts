/** What reservations and orders share: tenant required, bounded numbers, upstream tokens, atomic claim and unclaim, candidate providers. */
import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { sql, type Kysely } from 'kysely';
import { isE164Shape } from '../../../platform/e164.js';
import { badUserInput } from '../../../contracts/errors.js';
import { byShortestThenCheapest, chainFrom } from './chain.js';
import * as repo from '../store/repository.js';
import type { InventoryTables } from '../tables.js';

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

export function requireTenant(ctx: { tenant: string | null }): string {
  if (ctx.tenant === null) {
    throw new GraphQLError('reserving, ordering and releasing numbers needs an API key of a tenant (not an analyst)', { extensions: { code: 'FORBIDDEN' } });
  }
  return ctx.tenant;
}

export function readNumbers(numbers: readonly string[]): string[] {
  if (numbers.length === 0 || numbers.length > MAX_NUMBERS_PER_MUTATION) {
    throw badUserInput(`numbers must list 1 to ${MAX_NUMBERS_PER_MUTATION} numbers, got ${numbers.length}`, 'input');
  }
  numbers.forEach((n, i) => {
    if (!isE164Shape(n)) throw badUserInput(`numbers[${i}] is not an E.164 number ("+" and up to 15 digits): "${n.slice(0, 20)}"`, 'input');
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

export interface Claimed {
  e164: string;
  /** The number's version after the claim (its outbox events count from it). */
  version: number;
  /** What it was: in stock, or this tenant's running reservation. */
  before: 'available' | 'reserved';
}

/**
 * Takes a number for the tenant if it is free (in stock, or its reservation is the tenant's own
 * or over): one conditional UPDATE, so of two tenants claiming at once exactly one succeeds
 * (Postgres re-checks the condition on the locked row). Times are the database's (`now()`): one
 * clock for claims, expiry and visibility whichever instance asks. `reserveSeconds` makes it a
 * reservation until then; without it, the number is taken for `orderId`.
 */
export async function claim(db: Db, e164: string, tenant: string, take: { reserveSeconds: number } | { orderId: string }): Promise<Claimed | null> {
  const set =
    'orderId' in take
      ? sql`status = 'assigned', reserved_until = null, order_id = ${take.orderId}`
      : sql`status = 'reserved', reserved_until = now() + ${take.reserveSeconds} * interval '1 second', order_id = null`;
  const result = await sql<{ version: number; before_status: string; before_tenant: string | null; before_live: boolean | null }>`
    update inventory.numbers n set ${set}, tenant = ${tenant}, updated_at = now(), version = n.version + 1
    from (select e164, status, tenant, reserved_until from inventory.numbers where e164 = ${e164} for update) old
    where n.e164 = old.e164 and n.removed_at is null
      and (n.status = 'available' or (n.status = 'reserved' and (n.reserved_until <= now() or n.tenant = ${tenant})))
    returning n.version, old.status as before_status, old.tenant as before_tenant, old.reserved_until > now() as before_live`.execute(db);
  const row = result.rows[0];
  if (!row) return null;
  const before = row.before_status === 'reserved' && row.before_tenant === tenant && row.before_live ? 'reserved' : 'available';
  return { e164, version: Number(row.version), before };
}

/**
 * Gives a number claimed by this order (or, without one, this tenant's reservation) back to
 * stock; returns its new version, or null when it was not so claimed (nothing changed).
 */
export async function unclaim(db: Db, e164: string, tenant: string, orderId: string | null): Promise<{ e164: string; version: number } | null> {
  const row = await db
    .updateTable('numbers')
    .set({ status: 'available', tenant: null, reserved_until: null, order_id: null, assigned_via_provider_id: null, updated_at: sql`now()`, version: sql`version + 1` })
    .where('e164', '=', e164)
    .where('tenant', '=', tenant)
    .where((eb) => (orderId === null ? eb('status', '=', 'reserved') : eb('order_id', '=', orderId)))
    .returning(['e164', 'version'])
    .executeTakeFirst();
  return row ?? null;
}

/** Providers through which a number can be ordered now, best first (shortest chain, then cheapest). */
export async function candidates(db: Db, e164: string): Promise<string[]> {
  const offers = await repo.findOffersByNumbers(db, [e164]);
  const byProvider = new Map(offers.map((o) => [o.provider_id, o]));
  const sources = offers.flatMap((o) => (o.source_provider_id !== null ? [o.source_provider_id] : []));
  const providers = new Map((await repo.findProvidersByIds(db, [...new Set([...byProvider.keys(), ...sources])])).map((p) => [p.id, p.carrier_id]));
  return offers
    .filter((o) => o.removed_at === null && (o.provider_status === 'available' || o.provider_status === 'reserved'))
    .map((o) => ({ providerId: o.provider_id, tier: chainFrom(o.provider_id, byProvider, (id) => providers.get(id) ?? null).tier, monthly: Number(o.monthly_amount), setup: Number(o.setup_amount) }))
    .sort(byShortestThenCheapest)
    .map((c) => c.providerId);
}
