/** Mutation input: 1 to 100 distinct E.164 numbers, bad entries named; upstream references and idempotency keys plain or digested to fit. */
import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { MAX_NUMBERS_PER_MUTATION, readNumbers, reference, upstreamToken } from './claims.js';

/** What reservations and orders share, without a database or a gateway. */
describe('the numbers a mutation names', () => {
  it('are 1 to 100 distinct E.164 numbers, refused as bad input naming the offending entry', () => {
    expect(readNumbers(['+447400123456', '+33612345678'])).toEqual(['+447400123456', '+33612345678']);
    const refusal = (numbers: string[]) => {
      try {
        readNumbers(numbers);
      } catch (error) {
        return { message: (error as GraphQLError).message, code: (error as GraphQLError).extensions.code };
      }
      return null;
    };
    expect(refusal([])).toEqual({ message: `numbers must list 1 to ${MAX_NUMBERS_PER_MUTATION} numbers, got 0`, code: 'BAD_USER_INPUT' });
    expect(refusal(Array.from({ length: MAX_NUMBERS_PER_MUTATION + 1 }, (_, i) => `+4474001${String(i).padStart(5, '0')}`))?.message).toBe(`numbers must list 1 to 100 numbers, got 101`);
    expect(refusal(['+447400123456', '07400 123456'])?.message).toBe('numbers[1] is not an E.164 number ("+" and up to 15 digits): "07400 123456"');
    expect(refusal(['+447400123456', '+447400123456'])?.message).toBe('numbers lists a number twice');
    // a long garbage entry is quoted cut short, never whole
    expect(refusal(['x'.repeat(10_000)])?.message).toBe(`numbers[0] is not an E.164 number ("+" and up to 15 digits): "${'x'.repeat(20)}"`);
  });
});

describe('the tokens sent to providers (references, idempotency keys)', () => {
  it('are the plain text when it fits a provider (64 characters of A-Z a-z 0-9 . _ : @ -), else a digest that does, always the same', () => {
    expect(upstreamToken('tenant:', 'acme')).toBe('tenant:acme');
    expect(reference('acme')).toBe('tenant:acme');
    const long = reference('a'.repeat(63));
    expect(long).toMatch(/^tenant:[A-Za-z0-9_-]{43}$/); // the sha-256, base64url
    expect(reference('a'.repeat(63))).toBe(long);
    expect(reference('b'.repeat(63))).not.toBe(long);
    const odd = upstreamToken('order:1:', 'provider with spaces/and slashes');
    expect(odd).toMatch(/^order:1:[A-Za-z0-9_-]+$/);
    expect(odd.length).toBeLessThanOrEqual(64);
  });
});
