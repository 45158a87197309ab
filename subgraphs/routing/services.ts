/** What routing needs at runtime: the holding providers' clients, webhook retry and signing settings, the event consumer, the delivery wake-up. */
import type { ProviderClient } from '../../providers/client/index.js';
import { readSettings, type Env } from '../../platform/settings-schema.js';
import type { Logger } from '../../platform/logger.js';
import type { AddressPolicy } from './domain/ssrf.js';

/** The providers' clients, as routing needs them: the holding provider's, to push routes. */
export interface RoutingUpstream {
  provider(id: string): ProviderClient | null;
}

export const NO_PROVIDERS: RoutingUpstream = { provider: () => null };

export interface WebhookSettings {
  /** The first retry's delay; each next one doubles (with jitter), up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Retried this long after the event, then given up (at least 24 h). */
  giveUpAfterMs: number;
  /** Per attempt: connecting, the answer's headers and body together. */
  timeoutMs: number;
  /** The most of a receiver's answer read (the rest is dropped). */
  maxResponseBytes: number;
  /** How often the worker looks for due deliveries (it is also woken when one is queued). */
  pollMs: number;
  /** Both secrets sign for this long after a rotation. */
  rotationGraceMs: number;
}

/** ROUTING_WEBHOOK_RETRY_BASE_MS (default 5 s): tests shorten the retries' first delay. */
export function webhookSettingsFromEnv(env: Env): WebhookSettings {
  return {
    retryBaseMs: readSettings(env, ['ROUTING_WEBHOOK_RETRY_BASE_MS']).ROUTING_WEBHOOK_RETRY_BASE_MS,
    retryMaxMs: 3_600_000,
    giveUpAfterMs: 25 * 3_600_000,
    timeoutMs: 10_000,
    maxResponseBytes: 64 * 1024,
    pollMs: 1_000,
    rotationGraceMs: 24 * 3_600_000,
  };
}

export interface RoutingServices {
  upstream: RoutingUpstream;
  addresses: AddressPolicy;
  webhooks: WebhookSettings;
  /** The durable consumer of inventory's events ('routing'; tests use their own) and where a new one starts. */
  consumer: { durable: string; from: 'all' | 'new' };
  /** Where request-time work (a push to a provider) logs; the background's logger once it runs. */
  logger: Logger;
  /** Stops the background work started last (the projection and the delivery worker); null when none runs. Tests stop routing alone with it. */
  stopBackground: (() => Promise<void>) | null;
  /** Tells the delivery worker (in this process) that a webhook was queued. */
  wake(): void;
}
