// The shared readers of client text and countries: what they accept, and the one message format they refuse with.
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { readCountry, readText } from './input.js';

function refusal(read: () => unknown): GraphQLError {
  try {
    read();
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error('the input was accepted');
}

describe('readText', () => {
  it('returns text within its bounds unchanged, the empty string included when min is 0', () => {
    expect(readText('Bell Canada', 'filter.nameContains')).toBe('Bell Canada');
    expect(readText('', 'id')).toBe('');
    expect(readText('x'.repeat(200), 'id')).toBe('x'.repeat(200));
  });

  it('refuses a NUL or other control character, naming the argument and the position', () => {
    const error = refusal(() => readText('bell\u0000canada', 'filter.nameContains'));
    expect(error.message).toBe('filter.nameContains must be at most 200 characters without control characters, got a control character at position 4');
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'filter.nameContains' });
    expect(refusal(() => readText('Lon\ndon', 'input.region', { min: 1, max: 64 })).message).toBe('input.region must be 1 to 64 characters without control characters, got a control character at position 3');
  });

  it('refuses text outside its bounds, saying how long it was', () => {
    expect(refusal(() => readText('x'.repeat(201), 'id')).message).toBe('id must be at most 200 characters without control characters, got 201 characters');
    expect(refusal(() => readText('', 'input.idempotencyKey', { min: 1, max: 64 })).message).toBe('input.idempotencyKey must be 1 to 64 characters without control characters, got 0 characters');
  });
});

describe('readCountry', () => {
  it('trims and upper-cases a two-letter code', () => {
    expect(readCountry(' gb ', 'country')).toBe('GB');
  });

  it('refuses anything else, quoting at most 40 characters of it', () => {
    const error = refusal(() => readCountry('France', 'filter.country'));
    expect(error.message).toBe('filter.country must be an ISO 3166-1 alpha-2 country code such as GB, got "France"');
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'filter.country' });
    expect(refusal(() => readCountry('F'.repeat(1000), 'country')).message).toContain('(1000 characters)');
  });
});
