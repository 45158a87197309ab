/** The order line state machine's pure parts: an order's status from its lines, and capped jittered backoff between attempts. */
import { describe, expect, it } from 'vitest';
import { backoffMs, orderStatus } from './order-line.js';

/** The order line state machine's pure parts, without a database or a provider. */
describe("an order's status from its lines", () => {
  it('is pending while any line is, then completed, failed, or partial', () => {
    expect(orderStatus([{ status: 'completed' }, { status: 'pending' }])).toBe('pending');
    expect(orderStatus([{ status: 'completed' }, { status: 'completed' }])).toBe('completed');
    expect(orderStatus([{ status: 'failed' }, { status: 'failed' }])).toBe('failed');
    expect(orderStatus([{ status: 'completed' }, { status: 'failed' }])).toBe('partial');
  });
});

describe('the backoff between two attempts of a step', () => {
  it('doubles from the base with ±25 % jitter, and never exceeds the cap however many attempts', () => {
    const policy = { baseMs: 100, maxMs: 5_000 };
    for (let i = 0; i < 200; i++) {
      const first = backoffMs(policy, 0);
      expect(first).toBeGreaterThanOrEqual(75);
      expect(first).toBeLessThanOrEqual(125);
      const third = backoffMs(policy, 2);
      expect(third).toBeGreaterThanOrEqual(300);
      expect(third).toBeLessThanOrEqual(500);
      expect(backoffMs(policy, 10)).toBeLessThanOrEqual(5_000);
      expect(backoffMs(policy, 1_000_000)).toBeLessThanOrEqual(5_000);
      expect(backoffMs(policy, 1_000_000)).toBeGreaterThanOrEqual(3_750);
    }
  });
});
