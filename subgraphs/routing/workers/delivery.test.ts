/** Webhook retries (doubling with jitter, capped, lasting 24 h) and Standard Webhooks signatures with both secrets during rotation. */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { retryDelayMs, signature } from './delivery.js';

describe('retries', () => {
  const settings = { retryBaseMs: 5_000, retryMaxMs: 3_600_000 };
  it('doubles from the base, with jitter between half and all of the delay, capped at the maximum', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(settings, n, () => 1))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(settings, n, () => 0))).toEqual([2_500, 5_000, 10_000, 20_000]);
    expect(retryDelayMs(settings, 40, () => 1)).toBe(3_600_000);
  });

  it('keeps retrying for at least 24 hours before the cap is reached many times over', () => {
    let elapsed = 0;
    let attempts = 0;
    while (elapsed < 24 * 3_600_000) elapsed += retryDelayMs(settings, ++attempts, () => 1);
    expect(attempts).toBeGreaterThan(20);
  });
});

describe('signatures', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const old = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
  const body = JSON.stringify({ id: 'msg_1', type: 'number.assigned', timestamp: '2026-12-02T00:00:00Z', data: { e164: '+447400123456' } });
  const at = new Date();
  const headers = (sig: string) => ({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': sig });

  it('signs in the Standard Webhooks format', () => {
    const sig = signature({ secret, previous_secret: null, previous_until: null }, 'msg_1', at, body);
    expect(sig).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(new Webhook(secret).verify(body, headers(sig))).toMatchObject({ type: 'number.assigned' });
  });

  it('signs with both secrets for the grace period after a rotation, then with the new one only', () => {
    const during = signature({ secret, previous_secret: old, previous_until: new Date(Date.now() + 60_000) }, 'msg_1', at, body);
    expect(during.split(' ')).toHaveLength(2);
    expect(() => new Webhook(secret).verify(body, headers(during))).not.toThrow();
    expect(() => new Webhook(old).verify(body, headers(during))).not.toThrow();
    const after = signature({ secret, previous_secret: old, previous_until: new Date(Date.now() - 1) }, 'msg_1', at, body);
    expect(() => new Webhook(old).verify(body, headers(after))).toThrow();
  });
});
