import { createHash, randomUUID } from 'node:crypto';
import { badUserInput } from '../shared/errors.js';
import { candidates, claim, field, readNumbers, reference, requireTenant, unclaim, upstreamToken, type Db, type UserError } from './claims.js';
import type { Context } from './context.js';
import type { MutationResolvers } from './generated/resolvers.js';
import * as repo from './repository.js';
import type { OrderLineRow, OrderRow } from './tables.js';
import { providerFailure, type Upstream } from './upstream.js';
import { ProviderError } from '../../providers/client/index.js';
import type { OrderState } from '../../providers/api.js';

/** How long an order waits for a provider to finish processing it: polls at this interval, this many times at most. */
const ORDER_POLL_INTERVAL_MS = 50;
const ORDER_MAX_POLLS = 200;

interface Attempt {
  e164: string;
  position: number;
  remaining: string[];
  failures: string[];
  done?: { providerId: string } | { code: string; message: string };
  /**
   * The provider accepted the order but its outcome is unknown (it went down while we waited, or
   * had not finished): ordering elsewhere could buy the number twice, or give it back to stock
   * while the provider assigns it. The line stays pending; recovery asks that provider later.
   */
  unsettled?: true;
}

/** Orders each attempt through its next candidate provider, grouped per provider, until each is done. */
async function orderUpstream(ctx: Context, orderId: string, tenant: string, attempts: Attempt[]): Promise<void> {
  for (let round = 0; round < 10; round++) {
    const open = attempts.filter((a) => !a.done && !a.unsettled);
    if (open.length === 0) return;
    const byProvider = new Map<string, Attempt[]>();
    for (const attempt of open) {
      const providerId = attempt.remaining.shift();
      if (!providerId) {
        attempt.done = { code: 'PROVIDER_FAILED', message: `no provider could supply ${attempt.e164}: ${attempt.failures.join('; ')}` };
        continue;
      }
      byProvider.set(providerId, [...(byProvider.get(providerId) ?? []), attempt]);
    }
    await Promise.all(
      [...byProvider].map(async ([providerId, group]) => {
        const api = ctx.upstream.provider(providerId);
        try {
          if (!api) throw new ProviderError(providerId, 'order', 'rejected', 'not in the directory');
          // One key per round and provider: resending this very call is the same upstream order.
          // Recorded first, so that recovery can resend it if this process stops mid-call.
          // Provider ids can be long: the key stays within what provider APIs accept (64 characters).
          const key = upstreamToken(`${orderId}:${round}:`, providerId);
          await ctx.db
            .updateTable('order_lines')
            .set({ upstream_provider_id: providerId, upstream_key: key })
            .where('order_id', '=', orderId)
            .where('position', 'in', group.map((a) => a.position))
            .execute();
          const accepted = await api.order({ numbers: group.map((a) => a.e164), reference: reference(tenant) }, key);
          await ctx.db
            .updateTable('order_lines')
            .set({ upstream_order_id: accepted.orderId })
            .where('order_id', '=', orderId)
            .where('position', 'in', group.map((a) => a.position))
            .execute();
          let state: OrderState;
          try {
            state = await api.waitForOrder(accepted.orderId, { intervalMs: ORDER_POLL_INTERVAL_MS, maxPolls: ORDER_MAX_POLLS });
          } catch {
            for (const attempt of group) attempt.unsettled = true;
            return;
          }
          const results = new Map(state.results.map((r) => [r.e164, r]));
          for (const attempt of group) {
            const result = results.get(attempt.e164);
            if (result?.status === 'completed') attempt.done = { providerId };
            else if (result?.status === 'pending') attempt.unsettled = true;
            else attempt.failures.push(`${providerId} failed: ${result?.reason ?? 'no result'}`);
          }
        } catch (error) {
          for (const attempt of group) attempt.failures.push(`${providerId} failed: ${providerFailure(error)}`);
        }
      }),
    );
  }
  for (const attempt of attempts) if (!attempt.unsettled) attempt.done ??= { code: 'PROVIDER_FAILED', message: `no provider could supply ${attempt.e164}: ${attempt.failures.join('; ')}` };
}

type Outcome = { providerId: string } | { code: string; message: string };

/** Records how each number of an order ended (assigned through a provider, or back to stock) and the order's status. */
async function finishOrder(db: Db, orderId: string, tenant: string, lines: { e164: string; position: number; done?: Outcome; unsettled?: true; failures: string[]; before: string }[]): Promise<void> {
  const events: repo.NewEvent[] = [];
  for (const line of lines) {
    // still the tenant's, pending, until recovery learns from the provider how it ended
    if (line.unsettled) continue;
    const done = line.done ?? { code: 'PROVIDER_FAILED', message: `${line.e164} was not ordered` };
    if ('providerId' in done) {
      const note = line.failures.length > 0 ? `ordered through ${done.providerId} after ${line.failures.join('; ')}` : null;
      await db.updateTable('numbers').set({ assigned_via_provider_id: done.providerId, updated_at: new Date() }).where('e164', '=', line.e164).where('order_id', '=', orderId).execute();
      await db.updateTable('order_lines').set({ status: 'completed', provider_id: done.providerId, note }).where('order_id', '=', orderId).where('position', '=', line.position).execute();
      events.push({ e164: line.e164, from_status: line.before, to_status: 'assigned', actor: 'tenant', reason: `ordered through ${done.providerId}`, tenant });
    } else {
      await unclaim(db, line.e164, tenant, orderId);
      await db.updateTable('order_lines').set({ status: 'failed', error_code: done.code, note: done.message }).where('order_id', '=', orderId).where('position', '=', line.position).execute();
    }
  }
  await repo.insertEvents(db, events);
  const all = await db.selectFrom('order_lines').select('status').where('order_id', '=', orderId).execute();
  await db.updateTable('orders').set({ status: orderStatus(all) }).where('id', '=', orderId).execute();
}

/**
 * Finishes orders a stopped process left pending (older than `olderThanMs`): each upstream order
 * in flight is sent again with its recorded key and numbers (the provider answers with the same
 * order, or places it now), and its outcome recorded; numbers that never reached a provider go
 * back to stock. Run by the sync schedule.
 */
export async function recoverInterruptedOrders(db: Db, upstream: Upstream, olderThanMs: number): Promise<number> {
  const stale = await db.selectFrom('orders').selectAll().where('status', '=', 'pending').where('created_at', '<', new Date(Date.now() - olderThanMs)).orderBy('created_at').limit(100).execute();
  for (const order of stale) {
    const pending = (await db.selectFrom('order_lines').selectAll().where('order_id', '=', order.id).orderBy('position').execute()).filter((l) => l.status === 'pending');
    const lines = pending.map((l) => ({ e164: l.e164, position: l.position, failures: [] as string[], before: 'available', done: undefined as Outcome | undefined, unsettled: undefined as true | undefined }));
    const inFlight = new Map<string, { providerId: string; upstreamOrderId: string | null; lines: typeof lines }>();
    pending.forEach((l, i) => {
      if (l.upstream_key && l.upstream_provider_id) {
        const group = inFlight.get(l.upstream_key) ?? { providerId: l.upstream_provider_id, upstreamOrderId: l.upstream_order_id, lines: [] };
        group.lines.push(lines[i]!);
        inFlight.set(l.upstream_key, group);
      } else {
        lines[i]!.done = { code: 'PROVIDER_FAILED', message: `the order of ${l.e164} was interrupted before it reached a provider; order it again` };
      }
    });
    for (const [key, group] of inFlight) {
      const api = upstream.provider(group.providerId);
      try {
        if (!api) throw new ProviderError(group.providerId, 'order', 'rejected', 'not in the directory');
        // An order the provider accepted is asked for by its id (resending its key needs its whole first body).
        const upstreamOrderId = group.upstreamOrderId ?? (await api.order({ numbers: group.lines.map((l) => l.e164), reference: reference(order.tenant) }, key)).orderId;
        const results = new Map((await api.waitForOrder(upstreamOrderId, { intervalMs: ORDER_POLL_INTERVAL_MS, maxPolls: ORDER_MAX_POLLS })).results.map((r) => [r.e164, r]));
        for (const line of group.lines) {
          const result = results.get(line.e164);
          if (result?.status === 'pending') line.unsettled = true; // not finished yet: asked again at the next sync
          else line.done = result?.status === 'completed' ? { providerId: group.providerId } : { code: 'PROVIDER_FAILED', message: `${group.providerId} did not order ${line.e164}: ${result?.reason ?? 'no result'}` };
        }
      } catch (error) {
        // An accepted order may still complete: it stays pending until the provider answers.
        if (group.upstreamOrderId !== null) for (const line of group.lines) line.unsettled = true;
        else for (const line of group.lines) line.done = { code: 'PROVIDER_FAILED', message: `${group.providerId} failed: ${providerFailure(error)}` };
      }
    }
    await finishOrder(db, order.id, order.tenant, lines);
  }
  return stale.length;
}

function orderStatus(lines: { status: string }[]): OrderRow['status'] {
  const completed = lines.filter((l) => l.status === 'completed').length;
  if (lines.some((l) => l.status === 'pending')) return 'pending';
  return completed === lines.length ? 'completed' : completed === 0 ? 'failed' : 'partial';
}

async function loadOrder(db: Db, order: OrderRow) {
  const lines = await db.selectFrom('order_lines').selectAll().where('order_id', '=', order.id).orderBy('position').execute();
  const userErrors: UserError[] = lines
    .filter((l): l is OrderLineRow & { error_code: string } => l.status === 'failed' && l.error_code !== null)
    .map((l) => ({ code: l.error_code, message: l.note ?? 'not ordered', field: field(l.position) }));
  return { order: { order, lines }, userErrors };
}

export const orderMutations: Pick<MutationResolvers, 'orderNumbers'> = {
  orderNumbers: async (_parent, { input }, ctx) => {
    const tenant = requireTenant(ctx);
    const numbers = readNumbers(input.numbers);
    const key = input.idempotencyKey;
    // Postgres text cannot hold NUL: refused here rather than failing the insert.
    if (key.length === 0 || key.length > 64 || key.includes('\u0000')) throw badUserInput('idempotencyKey must be 1 to 64 characters, without NUL', 'input');
    const inputHash = createHash('sha256').update(JSON.stringify(numbers)).digest('hex');
    const orderId = randomUUID();
    // The unique (tenant, key) decides which of two identical requests places the order; the
    // order and its lines commit together, so the other request never sees an order without lines.
    const inserted = await ctx.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('orders')
        .values({ id: orderId, tenant, idempotency_key: key, input_hash: inputHash, status: 'pending' })
        .onConflict((oc) => oc.columns(['tenant', 'idempotency_key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (row) {
        await tx
          .insertInto('order_lines')
          .values(numbers.map((e164, position) => ({ order_id: orderId, position, e164, status: 'pending' as const, provider_id: null, error_code: null, note: null })))
          .execute();
      }
      return row;
    });
    if (!inserted) {
      const first = await ctx.db.selectFrom('orders').selectAll().where('tenant', '=', tenant).where('idempotency_key', '=', key).executeTakeFirstOrThrow();
      if (first.input_hash !== inputHash) {
        return { order: null, userErrors: [{ code: 'IDEMPOTENCY_KEY_REUSED', message: `idempotencyKey "${key}" was used for an order of other numbers`, field: ['input', 'idempotencyKey'] }] };
      }
      return loadOrder(ctx.db, first);
    }
    // A process that stops from here on leaves the order pending: recoverInterruptedOrders finishes it.

    // what each number was before (for its history): in stock, or the tenant's own reservation
    const before = new Map((await repo.findNumbersByE164(ctx.db, numbers)).map((row) => [row.e164, row.status === 'reserved' && row.tenant === tenant ? 'reserved' : 'available']));
    const attempts: Attempt[] = [];
    for (const [position, e164] of numbers.entries()) {
      const attempt: Attempt = { e164, position, remaining: [], failures: [] };
      attempts.push(attempt);
      if (!(await claim(ctx.db, e164, tenant, { status: 'assigned', reserved_until: null, order_id: orderId }))) {
        const known = await ctx.db.selectFrom('numbers').select('e164').where('e164', '=', e164).where('removed_at', 'is', null).executeTakeFirst();
        attempt.done = known ? { code: 'NOT_AVAILABLE', message: `${e164} is not available` } : { code: 'NOT_FOUND', message: `${e164} is not in the catalogue` };
        // nothing claimed, nothing to send: the line is final now
        await ctx.db.updateTable('order_lines').set({ status: 'failed', error_code: attempt.done.code, note: attempt.done.message }).where('order_id', '=', orderId).where('position', '=', position).execute();
        continue;
      }
      attempt.remaining = await candidates(ctx, e164);
    }
    await orderUpstream(ctx, orderId, tenant, attempts);

    await finishOrder(ctx.db, orderId, tenant, attempts.map((a) => ({ ...a, before: before.get(a.e164) ?? 'available' })));
    const order = await ctx.db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirstOrThrow();
    return loadOrder(ctx.db, order);
  },
};
