/** The order worker: drives an order's lines within the mutation's wait, then recovers due lines under leases (SKIP LOCKED) across instances. */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Logger } from '../../../platform/logger.js';
import { advance, UNSETTLED, type Machine } from '../domain/order-line.js';
import type { OrderLineRow, OrderRow } from '../tables.js';
import { groupBy } from '../../../platform/group.js';

/** This process, as the owner of the leases it takes. */
export const INSTANCE_ID: string = randomUUID();

/** How long a lease keeps other processes off a line: past it (the holder died), anyone may take it. */
export const LEASE_MS = 30_000;
/** Lines leased at a time: recovery pages through every unsettled line, oldest due first. */
const BATCH = 50;
/** Pages per pass at most: a line stepped back to due at once (its next offer) is taken by a later page. */
const MAX_PAGES = 100;

/**
 * Drives one order's lines for up to `waitMs` (the mutation's budget, well under the subgraph
 * timeout), stepping each line when it is due; returns when every line is settled, or when the
 * budget is spent (the order answers PENDING and the worker goes on).
 */
export async function drive(m: Machine, order: Pick<OrderRow, 'id' | 'tenant'> & { end_user_ref?: string | null }, waitMs: number): Promise<void> {
  const end = performance.now() + waitMs;
  while (performance.now() < end) {
    const lines = await m.db
      .selectFrom('order_lines')
      .selectAll()
      .select(sql<number>`greatest(0, extract(epoch from (next_attempt_at - now())) * 1000)`.as('wait_ms'))
      .where('order_id', '=', order.id)
      .where('state', 'in', UNSETTLED)
      .where('needs_attention', '=', false)
      .execute();
    if (lines.length === 0) return;
    const due = lines.filter((l) => Number(l.wait_ms) === 0);
    if (due.length > 0) await advance(m, order, due);
    else await sleep(Math.max(5, Math.min(Math.min(...lines.map((l) => Number(l.wait_ms))), end - performance.now())));
  }
}

/** Leases up to BATCH due unsettled lines no live process holds (FOR UPDATE SKIP LOCKED: instances never wait on each other). */
export async function leaseDue(m: Machine, owner: string, leaseMs = LEASE_MS): Promise<OrderLineRow[]> {
  const result = await sql<OrderLineRow>`
    update inventory.order_lines l set lease_until = now() + ${leaseMs} * interval '1 millisecond', lease_owner = ${owner}
    from (select order_id, position from inventory.order_lines
          where state in ('claimed', 'sent', 'accepted', 'pending') and next_attempt_at <= now()
            and (lease_until is null or lease_until < now())
          order by next_attempt_at, order_id, position limit ${BATCH}
          for update skip locked) due
    where l.order_id = due.order_id and l.position = due.position
    returning l.*`.execute(m.db);
  return result.rows;
}

/** Gives up this owner's leases on lines of these orders, so any process may take them as soon as they are due. */
export async function releaseLeases(m: Machine, owner: string, orderIds: string[]): Promise<void> {
  if (orderIds.length === 0) return;
  await m.db.updateTable('order_lines').set({ lease_until: null, lease_owner: null }).where('order_id', 'in', orderIds).where('lease_owner', '=', owner).execute();
}

/**
 * One pass of recovery: leases due lines a page at a time (oldest first) and steps each; repeats
 * until no line is due. Returns how many line steps it took.
 */
export async function runOrderWorkerOnce(m: Machine, owner = INSTANCE_ID, logger?: Logger): Promise<number> {
  let steps = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const lines = await leaseDue(m, owner);
    if (lines.length === 0) return steps;
    const byOrder = groupBy(lines, (line) => line.order_id);
    const orders = await m.db.selectFrom('orders').select(['id', 'tenant', 'end_user_ref']).where('id', 'in', [...byOrder.keys()]).execute();
    try {
      await Promise.all(
        orders.map((order) =>
          advance(m, order, byOrder.get(order.id)!).catch(async (error: unknown) => {
            logger?.warn({ err: error, order: order.id }, 'orders: a step failed; retried later');
            // not due again at once: a step that keeps failing must not hold the pass
            await m.db.updateTable('order_lines').set({ next_attempt_at: sql`now() + ${m.retry.maxMs} * interval '1 millisecond'` }).where('order_id', '=', order.id).where('state', 'in', UNSETTLED).execute();
          }),
        ),
      );
    } finally {
      await releaseLeases(m, owner, [...byOrder.keys()]);
    }
    steps += lines.length;
  }
  return steps;
}

/** The worker: a pass every `intervalMs`, one at a time; `stop` waits for a pass in progress. */
export function startOrderWorker(m: Machine, logger: Logger, intervalMs = 250): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    running = runOrderWorkerOnce(m, INSTANCE_ID, logger)
      .then((steps) => steps > 0 && logger.debug({ steps }, 'orders: worker pass'))
      .catch((error: unknown) => logger.error({ err: error }, 'orders: worker pass failed'))
      .finally(() => (busy = false));
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
