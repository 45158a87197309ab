/** The order line state machine: claim, send, accept, poll, complete or fail, each step transactional with history and outbox events. */
import { sql, type Kysely } from 'kysely';
import { ProviderError } from '../../../providers/client/index.js';
import { candidates, reference, unclaim, upstreamToken, type Db } from './claims.js';
import { numberEvent, writeEvents, type NewEvent } from '../store/outbox.js';
import * as repo from '../store/repository.js';
import type { InventoryTables, LineState, OrderLineRow, OrderRow } from '../tables.js';
import { providerFailure } from '../../provider-failure.js';
import type { Upstream } from '../upstream/upstream.js';
import { groupBy, pushTo } from '../../../platform/group.js';

/**
 * One state machine per order line, written once and driven by both the mutation (for as long
 * as it may wait) and the background worker (order-worker.ts):
 *
 *   claimed ──send──▶ sent ──accepted──▶ accepted ──poll──▶ pending ──▶ completed
 *      ▲                │ (no answer: resend, same key, same provider)      │
 *      └── refused ─────┴──────────────── the provider failed the number ◀──┘      failed
 *
 * `sent` is recorded (provider and idempotency key) before the call goes out, so a resend after a
 * lost reply, a timeout or a crash is the same upstream order. Only a definite refusal (4xx, the
 * number not available there, a circuit open before the first send) moves a line to its next
 * offer; anything else retries the same provider with the same key, with capped backoff. Every
 * transition commits in one transaction with the number's row, its history and its outbox
 * events, under the order's row lock and guarded by the state it expects, so two processes (the
 * mutation and a worker, or two instances) never apply one step twice.
 */
export const UNSETTLED: LineState[] = ['claimed', 'sent', 'accepted', 'pending'];

export interface RetryPolicy {
  /** First retry after about this long; doubled each attempt. */
  baseMs: number;
  /** Never longer than this between two attempts (ORDER_RETRY_MAX_SECONDS). */
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 50, maxMs: 30_000 };

export interface Machine {
  db: Db;
  upstream: Upstream;
  retry: RetryPolicy;
}

type Order = Pick<OrderRow, 'id' | 'tenant'> & { end_user_ref?: string | null };

const tried = (line: OrderLineRow): string[] => JSON.parse(line.tried) as string[];
const failures = (line: OrderLineRow): string[] => (line.note ? line.note.split('; ') : []);

/** Jittered exponential backoff, capped. */
export function backoffMs(policy: RetryPolicy, attempts: number): number {
  const raw = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempts, 20));
  return Math.round(Math.min(policy.maxMs, raw * (0.75 + Math.random() * 0.5)));
}

/** One step for each due line of an order: send what is claimed, resend what is sent, ask about what is accepted. */
export async function advance(m: Machine, order: Order, lines: OrderLineRow[]): Promise<void> {
  const sent = groupBy(lines.filter((l) => l.state === 'sent'), (l) => `${l.upstream_provider_id}\u0001${l.upstream_key}`);
  const waiting = groupBy(lines.filter((l) => l.state === 'accepted' || l.state === 'pending'), (l) => `${l.upstream_provider_id}\u0001${l.upstream_order_id}`);
  await Promise.all([
    sendClaimed(m, order, lines.filter((l) => l.state === 'claimed')),
    ...[...sent.values()].map((group) => send(m, order, group)),
    ...[...waiting.values()].map((group) => poll(m, order, group)),
  ]);
}

/** Each claimed line to the best offer it has not tried, grouped per provider into one upstream order. */
async function sendClaimed(m: Machine, order: Order, lines: OrderLineRow[]): Promise<void> {
  const byProvider = new Map<string, OrderLineRow[]>();
  for (const line of lines) {
    const next = (await candidates(m.db, line.e164)).find((id) => !tried(line).includes(id));
    if (!next) {
      const why = failures(line);
      // every offer refused the end user: what the providers said is missing, named
      const unmet = why.filter((w) => w.includes('requirements_not_met'));
      if (unmet.length > 0 && order.end_user_ref) {
        await settleFailed(m, order, [line], ['claimed'], 'REQUIREMENTS_NOT_MET', `requirements not met for end user ${order.end_user_ref} to hold ${line.e164}: ${unmet.map((w) => w.replace('failed: requirements_not_met: ', 'missing ')).join('; ')}`);
        continue;
      }
      await settleFailed(m, order, [line], ['claimed'], 'PROVIDER_FAILED', why.length > 0 ? `no provider could supply ${line.e164}: ${why.join('; ')}` : `no provider offers ${line.e164} now`);
      continue;
    }
    pushTo(byProvider, next, line);
  }
  await Promise.all(
    [...byProvider].map(async ([providerId, group]) => {
      if (!m.upstream.provider(providerId)) return refuse(m, order, group, ['claimed'], providerId, 'is not in the directory');
      // Unique per send: a line's position and how many providers it has tried never repeat for an order.
      const key = upstreamToken(`${order.id}:${group[0]!.position}.${tried(group[0]!).length}:`, providerId);
      const moved = await transition(m.db, order, group, ['claimed'], null, async (tx, positions) => {
        await lineUpdate(tx, order, positions).set({ state: 'sent', upstream_provider_id: providerId, upstream_key: key, upstream_order_id: null, attempts: 0 }).execute();
      });
      if (moved.length > 0) await send(m, order, moved.map((line) => ({ ...line, state: 'sent' as const, upstream_provider_id: providerId, upstream_key: key, attempts: 0 })));
    }),
  );
}

/** Sends (or resends, with the same key and body) the upstream order of lines in `sent`. */
async function send(m: Machine, order: Order, lines: OrderLineRow[]): Promise<void> {
  const providerId = lines[0]!.upstream_provider_id!;
  const key = lines[0]!.upstream_key!;
  const api = m.upstream.provider(providerId);
  if (!api) return attention(m, order, lines, ['sent'], `${providerId} is no longer in the directory: the order sent to it cannot be confirmed`);
  const numbers = [...lines].sort((a, b) => a.position - b.position).map((l) => l.e164);
  try {
    const accepted = await api.order({ numbers, reference: reference(order.tenant), ...(order.end_user_ref ? { endUserRef: order.end_user_ref } : {}) }, key);
    const moved = await transition(m.db, order, lines, ['sent'], key, async (tx, positions) => {
      await lineUpdate(tx, order, positions).set({ state: 'accepted', upstream_order_id: accepted.orderId, attempts: 0, needs_attention: false, attention_reason: null }).execute();
    });
    if (moved.length > 0) await poll(m, order, moved.map((line) => ({ ...line, state: 'accepted' as const, upstream_order_id: accepted.orderId, attempts: 0 })));
  } catch (error) {
    // Refused before anything could have been placed: the first send refused outright, or not made (circuit open).
    const firstSend = lines.every((l) => l.attempts === 0);
    if (error instanceof ProviderError && (error.kind === 'rejected' || (error.kind === 'circuit_open' && firstSend))) {
      return refuse(m, order, lines, ['sent'], providerId, providerFailure(error), key);
    }
    await retryLater(m, order, lines, ['sent'], 'sent', key);
  }
}

/** Asks the provider how the upstream order of these lines (the same one) stands. */
async function poll(m: Machine, order: Order, lines: OrderLineRow[]): Promise<void> {
  const providerId = lines[0]!.upstream_provider_id!;
  const upstreamOrderId = lines[0]!.upstream_order_id!;
  const key = lines[0]!.upstream_key;
  const api = m.upstream.provider(providerId);
  if (!api) return attention(m, order, lines, ['accepted', 'pending'], `${providerId} is no longer in the directory: its order ${upstreamOrderId} cannot be settled`);
  let results: Map<string, { status: string; reason?: string }>;
  try {
    results = new Map((await api.getOrder(upstreamOrderId)).results.map((r) => [r.e164, r]));
  } catch (error) {
    if (error instanceof ProviderError && error.kind === 'rejected' && error.httpStatus === 404) {
      return attention(m, order, lines, ['accepted', 'pending'], `${providerId} does not know its order ${upstreamOrderId} (it answered 404): ask the provider`);
    }
    return retryLater(m, order, lines, ['accepted', 'pending'], 'pending', key);
  }
  const completed = lines.filter((l) => results.get(l.e164)?.status === 'completed');
  const failed = lines.filter((l) => results.get(l.e164)?.status === 'failed' || !results.has(l.e164));
  const working = lines.filter((l) => results.get(l.e164)?.status === 'pending');
  await Promise.all([
    completed.length > 0 ? settleCompleted(m, order, completed, providerId, key) : null,
    ...failed.map((l) => refuse(m, order, [l], ['accepted', 'pending'], providerId, `failed: ${results.get(l.e164)?.reason ?? 'no result'}`, key)),
    working.length > 0 ? retryLater(m, order, working, ['accepted', 'pending'], 'pending', key) : null,
  ]);
}

/** The provider definitely did not take these lines: each goes back to `claimed`, for its next offer. */
async function refuse(m: Machine, order: Order, lines: OrderLineRow[], from: LineState[], providerId: string, why: string, key: string | null = null): Promise<void> {
  await transition(m.db, order, lines, from, key, async (tx, positions) => {
    for (const line of lines.filter((l) => positions.includes(l.position))) {
      await lineUpdate(tx, order, [line.position])
        .set({
          state: 'claimed',
          tried: JSON.stringify([...tried(line), providerId]),
          note: [...failures(line), `${providerId} ${why.startsWith('failed') ? why : `failed: ${why}`}`].join('; '),
          upstream_provider_id: null,
          upstream_key: null,
          upstream_order_id: null,
          attempts: 0,
          next_attempt_at: sql`now()`,
          needs_attention: false,
          attention_reason: null,
        })
        .execute();
    }
  });
}

/** Not settled yet, nothing definite: the same step again after a capped backoff. */
async function retryLater(m: Machine, order: Order, lines: OrderLineRow[], from: LineState[], to: LineState, key: string | null): Promise<void> {
  const attempts = Math.max(...lines.map((l) => l.attempts)) + 1;
  await transition(m.db, order, lines, from, key, async (tx, positions) => {
    await lineUpdate(tx, order, positions).set({ state: to, attempts, next_attempt_at: sql`now() + ${backoffMs(m.retry, attempts)} * interval '1 millisecond'` }).execute();
  });
}

/** Cannot be settled without someone: visible on the line (needsAttention and why), asked again at the longest backoff. */
async function attention(m: Machine, order: Order, lines: OrderLineRow[], from: LineState[], reason: string): Promise<void> {
  await transition(m.db, order, lines, from, lines[0]!.upstream_key, async (tx, positions) => {
    await lineUpdate(tx, order, positions)
      .set({ needs_attention: true, attention_reason: reason, attempts: sql`attempts + 1`, next_attempt_at: sql`now() + ${m.retry.maxMs} * interval '1 millisecond'` })
      .execute();
  });
}

async function settleCompleted(m: Machine, order: Order, lines: OrderLineRow[], providerId: string, key: string | null): Promise<void> {
  await transition(m.db, order, lines, ['accepted', 'pending'], key, async (tx, positions) => {
    const events: NewEvent[] = [];
    const history: repo.NewEvent[] = [];
    for (const line of lines.filter((l) => positions.includes(l.position))) {
      const why = failures(line);
      await lineUpdate(tx, order, [line.position])
        .set({ state: 'completed', status: 'completed', provider_id: providerId, note: why.length > 0 ? `ordered through ${providerId} after ${why.join('; ')}` : null, needs_attention: false, attention_reason: null, lease_until: null })
        .execute();
      const number = await tx
        .updateTable('numbers')
        .set({ assigned_via_provider_id: providerId, updated_at: sql`now()`, version: sql`version + 1` })
        .where('e164', '=', line.e164)
        .where('order_id', '=', order.id)
        // what the holder's offer can do travels with the event (routing refuses messages without SMS), in the same statement
        .returning((eb) => ['e164', 'version', eb.selectFrom('offers').select('capabilities').whereRef('offers.e164', '=', 'numbers.e164').where('offers.provider_id', '=', providerId).limit(1).as('capabilities')])
        .executeTakeFirst();
      if (number) {
        const capabilities = number.capabilities === null ? null : number.capabilities.split(',').filter(Boolean);
        events.push(numberEvent(number, 'number.assigned', order.tenant, providerId, { orderId: order.id, reference: reference(order.tenant), endUserRef: order.end_user_ref ?? null, ...(capabilities ? { capabilities } : {}) }));
      }
      history.push({ e164: line.e164, from_status: line.claimed_from ?? 'available', to_status: 'assigned', actor: 'tenant', reason: `ordered through ${providerId}`, tenant: order.tenant });
      events.push(await orderEvent(tx, order, 'order.line_settled', providerId, { position: line.position, e164: line.e164, status: 'completed' }));
    }
    await repo.insertEvents(tx, history);
    await writeEvents(tx, events);
  });
}

/** Settles lines as failed: their numbers back to stock. */
export async function settleFailed(m: Pick<Machine, 'db'>, order: Order, lines: OrderLineRow[], from: LineState[], code: string, message: string): Promise<void> {
  await transition(m.db, order, lines, from, null, async (tx, positions) => {
    const events: NewEvent[] = [];
    for (const line of lines.filter((l) => positions.includes(l.position))) {
      await lineUpdate(tx, order, [line.position]).set({ state: 'failed', status: 'failed', error_code: code, note: message, lease_until: null, needs_attention: false, attention_reason: null }).execute();
      const number = await unclaim(tx, line.e164, order.tenant, order.id);
      if (number) events.push(numberEvent(number, 'number.returned', order.tenant, null, { orderId: order.id, reason: message }));
      events.push(await orderEvent(tx, order, 'order.line_settled', null, { position: line.position, e164: line.e164, status: 'failed', code }));
    }
    await writeEvents(tx, events);
  });
}

/**
 * Applies a step to the lines still in `from` (and still on upstream order `key`, when given),
 * under the order's row lock, in one transaction with whatever `apply` writes; then settles the
 * order's own status. Returns the lines it moved (none: another process got there first).
 */
async function transition(db: Db, order: Order, lines: OrderLineRow[], from: LineState[], key: string | null, apply: (tx: Kysely<InventoryTables>, positions: number[]) => Promise<void>): Promise<OrderLineRow[]> {
  if (lines.length === 0) return [];
  return db.transaction().execute(async (tx) => {
    await tx.selectFrom('orders').select('id').where('id', '=', order.id).forUpdate().execute();
    let query = tx.selectFrom('order_lines').select('position').where('order_id', '=', order.id).where('position', 'in', lines.map((l) => l.position)).where('state', 'in', from);
    if (key !== null) query = query.where('upstream_key', '=', key);
    const positions = (await query.execute()).map((r) => r.position);
    if (positions.length === 0) return [];
    await apply(tx, positions);
    await settleOrder(tx, order);
    return lines.filter((l) => positions.includes(l.position));
  });
}

const lineUpdate = (tx: Kysely<InventoryTables>, order: Order, positions: number[]) =>
  tx.updateTable('order_lines').where('order_id', '=', order.id).where('position', 'in', positions);

/** The order's status from its lines; an order that settles gets its event. */
export async function settleOrder(tx: Kysely<InventoryTables>, order: Order): Promise<void> {
  const lines = await tx.selectFrom('order_lines').select('status').where('order_id', '=', order.id).execute();
  const status = orderStatus(lines);
  if (status === 'pending') return;
  const updated = await tx.updateTable('orders').set({ status }).where('id', '=', order.id).where('status', '=', 'pending').returning('id').executeTakeFirst();
  if (updated) await writeEvents(tx, [await orderEvent(tx, order, 'order.settled', null, { status, lines: lines.length })]);
}

/** An event of the order aggregate, its version bumped in the same transaction. */
export async function orderEvent(tx: Kysely<InventoryTables>, order: Order, type: string, providerId: string | null, payload: Record<string, unknown>): Promise<NewEvent> {
  const { version } = await tx.updateTable('orders').set({ version: sql`version + 1` }).where('id', '=', order.id).returning('version').executeTakeFirstOrThrow();
  return { aggregate: 'order', aggregateId: order.id, version, type, tenant: order.tenant, providerId, payload };
}

export function orderStatus(lines: { status: string }[]): OrderRow['status'] {
  const completed = lines.filter((l) => l.status === 'completed').length;
  if (lines.some((l) => l.status === 'pending')) return 'pending';
  return completed === lines.length ? 'completed' : completed === 0 ? 'failed' : 'partial';
}
