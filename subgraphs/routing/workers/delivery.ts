/** The webhook delivery worker: due messages in order per number, leased across instances, signed, retried with backoff, every attempt recorded. */
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import type { Logger } from '../../../platform/logger.js';
import { hostOf, portOf } from '../domain/validation.js';
import { pushRoute } from '../domain/routes.js';
import * as routes from '../store/routes.js';
import { endpointsByIds } from '../store/webhooks.js';
import type { RoutingServices, WebhookSettings } from '../services.js';
import type { EndpointRow, WebhookMessagesTable } from '../tables.js';
import { pinnedPost, type PostOutcome } from './http.js';

type Db = routes.Db;
type Message = Omit<WebhookMessagesTable, 'seq' | 'attempts' | 'next_attempt_at' | 'created_at'> & { seq: string; attempts: number; created_at: Date };

const BATCH = 20;
/** A claimed delivery is someone's for this long (another instance takes it over after). */
const LEASE_MS = 60_000;
/** A route still PENDING this long after it was saved (its push was cut short) is pushed again. */
const STALE_ROUTE_MS = 30_000;

/** The delay before attempt `attempts + 1`: exponential from the base, capped, with jitter (half to all of it). */
export function retryDelayMs(settings: Pick<WebhookSettings, 'retryBaseMs' | 'retryMaxMs'>, attempts: number, random = Math.random): number {
  const full = Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.min(attempts - 1, 30));
  return Math.round(full / 2 + (random() * full) / 2);
}

/** The webhook-signature header: one v1 signature per valid secret (the old one too, for 24 h after a rotation). */
export function signature(endpoint: Pick<EndpointRow, 'secret' | 'previous_secret' | 'previous_until'>, id: string, at: Date, body: string): string {
  const secrets = [endpoint.secret];
  if (endpoint.previous_secret && endpoint.previous_until && endpoint.previous_until.getTime() > Date.now()) secrets.push(endpoint.previous_secret);
  return secrets.map((secret) => new Webhook(secret).sign(id, at, body)).join(' ');
}

/**
 * Delivers the webhook outbox: due messages, at most one in flight per endpoint and number (a
 * later event waits for the earlier one: in order per number), claimed with a lease so several
 * instances share the work. Every attempt is recorded; a failed one is retried with exponential
 * backoff and jitter until `giveUpAfterMs` after the event. The address is checked at each
 * attempt, after DNS resolution, and the connection goes to the checked address.
 */
export function startDelivery(db: Db, services: RoutingServices, logger: Logger): { wake(): void; stop(): Promise<void> } {
  const settings = services.webhooks;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let again = false;
  let lastStaleCheck = 0;

  const claim = async (): Promise<Message[]> => {
    const result = await sql<Message>`
      update routing.webhook_messages set next_attempt_at = now() + ${LEASE_MS} * interval '1 millisecond'
      where seq in (
        select m.seq from routing.webhook_messages m
        where m.state = 'pending' and m.next_attempt_at <= now()
          and not exists (select 1 from routing.webhook_messages p where p.endpoint_id = m.endpoint_id and p.ordering_key = m.ordering_key and p.state = 'pending' and p.seq < m.seq)
        order by m.seq limit ${BATCH} for update skip locked)
      returning seq, endpoint_id, tenant, event_id, event_type, ordering_key, body, state, attempts, created_at`.execute(db);
    return result.rows;
  };

  const attempt = async (message: Message, endpoint: EndpointRow | undefined): Promise<PostOutcome> => {
    if (!endpoint || endpoint.deleted_at) return { statusCode: null, latencyMs: 0, error: 'the endpoint was deleted' };
    const url = new URL(endpoint.url);
    const check = await services.addresses.check(hostOf(url), portOf(url));
    if (!check.ok) return { statusCode: null, latencyMs: 0, error: `refused: ${check.reason}` };
    const at = new Date();
    const headers = { 'webhook-id': message.event_id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature(endpoint, message.event_id, at, message.body) };
    return pinnedPost(url, check.pinned, headers, message.body, { timeoutMs: settings.timeoutMs, maxBytes: settings.maxResponseBytes });
  };

  const record = async (message: Message, outcome: PostOutcome, endpoint: EndpointRow | undefined): Promise<void> => {
    const attempts = message.attempts + 1;
    const delivered = outcome.error === null;
    const gone = !endpoint || endpoint.deleted_at !== null;
    const delay = retryDelayMs(settings, attempts);
    const giveUp = !delivered && (gone || Date.now() + delay - message.created_at.getTime() > settings.giveUpAfterMs);
    const next = delivered || giveUp ? null : new Date(Date.now() + delay);
    await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('webhook_attempts')
        .values({ message_seq: message.seq, endpoint_id: message.endpoint_id, tenant: message.tenant, event_id: message.event_id, event_type: message.event_type, attempt: attempts, status_code: outcome.statusCode, latency_ms: outcome.latencyMs, error: outcome.error, next_attempt_at: next })
        .execute();
      await tx
        .updateTable('webhook_messages')
        .set({ attempts, state: delivered ? 'delivered' : giveUp ? 'failed' : 'pending', ...(next ? { next_attempt_at: next } : {}) })
        .where('seq', '=', message.seq)
        .execute();
    });
    if (!delivered) logger.info({ endpoint: message.endpoint_id, event: message.event_id, attempt: attempts, error: outcome.error, next }, 'webhook attempt failed');
  };

  const repushStaleRoutes = async (): Promise<void> => {
    if (Date.now() - lastStaleCheck < STALE_ROUTE_MS / 3) return;
    lastStaleCheck = Date.now();
    for (const route of await routes.staleRoutes(db, STALE_ROUTE_MS, BATCH)) await pushRoute(db, services, route, logger);
  };

  const tick = async (): Promise<void> => {
    do {
      again = false;
      const messages = await claim();
      if (messages.length === 0) break;
      const endpoints = new Map((await endpointsByIds(db, [...new Set(messages.map((m) => m.endpoint_id))])).map((e) => [e.id, e]));
      await Promise.all(
        messages.map(async (message) => {
          const endpoint = endpoints.get(message.endpoint_id);
          await record(message, await attempt(message, endpoint), endpoint);
        }),
      );
      again = true;
    } while (again && !stopped);
    await repushStaleRoutes();
  };

  const run = (): void => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = null;
    running = running
      .then(tick)
      .catch((error: unknown) => logger.error({ err: error }, 'webhook delivery: a round failed'))
      .finally(() => {
        if (!stopped && !timer) timer = setTimeout(run, settings.pollMs).unref();
      });
  };
  run();
  return {
    wake: () => {
      if (!stopped) setImmediate(run);
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
