/** The orderNumbers mutation: an idempotent order with its lines and claims in one transaction, driven until settled or PENDING. */
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { badUserInput } from '../../../contracts/errors.js';
import { readText } from '../../../platform/input.js';
import { claim, field, readNumbers, requireTenant, type Db, type UserError } from '../domain/claims.js';
import type { Context } from '../context.js';
import type { MutationResolvers } from '../generated/resolvers.js';
import { orderEvent, settleOrder } from '../domain/order-line.js';
import { drive, INSTANCE_ID, releaseLeases } from '../workers/order-worker.js';
import { numberEvent, writeEvents, type NewEvent } from '../store/outbox.js';
import type { OrderLineRow, OrderRow } from '../tables.js';

/** The mutation's lease outlasts its wait by this much; past it (the process died), any worker takes the lines over. */
const MUTATION_LEASE_MARGIN_MS = 10_000;

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
    const key = readText(input.idempotencyKey, 'input.idempotencyKey', { min: 1, max: 64 });
    const endUserRef = input.endUserId ?? null;
    if (endUserRef !== null && !/^[A-Za-z0-9._:@-]{1,100}$/.test(endUserRef)) throw badUserInput('endUserId must be 1 to 100 letters, digits or ._:@- (an end user id)', 'input.endUserId');
    const inputHash = createHash('sha256').update(JSON.stringify(endUserRef === null ? numbers : [numbers, endUserRef])).digest('hex');
    const orderId = randomUUID();
    // The unique (tenant, key) decides which of two identical requests places the order. The
    // order, its lines and the claim of each number commit together: a line is never without its
    // claim, and a line whose number cannot be taken is failed in the same transaction. The lines
    // are leased to this process while the mutation drives them; past the lease (this process
    // died), the worker of any instance takes them over.
    const inserted = await ctx.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('orders')
        .values({ id: orderId, tenant, idempotency_key: key, input_hash: inputHash, status: 'pending', end_user_ref: endUserRef })
        .onConflict((oc) => oc.columns(['tenant', 'idempotency_key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!row) return undefined;
      await tx
        .insertInto('order_lines')
        .values(
          numbers.map((e164, position) => ({
            order_id: orderId,
            position,
            e164,
            status: 'pending' as const,
            provider_id: null,
            error_code: null,
            note: null,
            lease_owner: INSTANCE_ID,
            lease_until: sql<Date>`now() + ${ctx.orders.waitMs + MUTATION_LEASE_MARGIN_MS} * interval '1 millisecond'`,
          })),
        )
        .execute();
      const events: NewEvent[] = [];
      // in e164 order: two orders claiming the same numbers lock them in one order, never in a deadlock
      for (const [position, e164] of [...numbers.entries()].sort((a, b) => a[1].localeCompare(b[1]))) {
        const claimed = await claim(tx, e164, tenant, { orderId });
        const line = tx.updateTable('order_lines').where('order_id', '=', orderId).where('position', '=', position);
        if (claimed) {
          await line.set({ claimed_from: claimed.before }).execute();
          events.push(numberEvent(claimed, 'number.claimed', tenant, null, { orderId }));
          continue;
        }
        const known = await tx.selectFrom('numbers').select('e164').where('e164', '=', e164).where('removed_at', 'is', null).executeTakeFirst();
        const [code, message] = known ? ['NOT_AVAILABLE', `${e164} is not available`] : ['NOT_FOUND', `${e164} is not in the catalogue`];
        await line.set({ state: 'failed', status: 'failed', error_code: code, note: message, lease_until: null, lease_owner: null }).execute();
        events.push(await orderEvent(tx, { id: orderId, tenant }, 'order.line_settled', null, { position, e164, status: 'failed', code }));
      }
      await writeEvents(tx, events);
      await settleOrder(tx, { id: orderId, tenant });
      return row;
    });
    if (!inserted) {
      const first = await ctx.db.selectFrom('orders').selectAll().where('tenant', '=', tenant).where('idempotency_key', '=', key).executeTakeFirstOrThrow();
      if (first.input_hash !== inputHash) {
        return { order: null, userErrors: [{ code: 'IDEMPOTENCY_KEY_REUSED', message: `idempotencyKey "${key}" was used for an order of other numbers`, field: ['input', 'idempotencyKey'] }] };
      }
      return loadOrder(ctx.db, first);
    }
    // Every line as far as providers let it go within the wait; what is left answers PENDING.
    try {
      await drive(ctx.orders, { id: orderId, tenant, end_user_ref: endUserRef }, ctx.orders.waitMs);
    } finally {
      await releaseLeases(ctx.orders, INSTANCE_ID, [orderId]);
    }
    const order = await ctx.db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirstOrThrow();
    return loadOrder(ctx.db, order);
  },
};
