/** Search input becomes a provider search request (country upper-cased, capabilities lower-cased), or is refused before any provider is asked. */
import { describe, expect, it } from 'vitest';
import { searchRequest } from './search.js';

describe('search input', () => {
  it('becomes a provider search request: upper-case country, capabilities as the providers name them, no empty fields', () => {
    // capabilities arrive as the Capability enum's internal values, the providers' own words
    expect(searchRequest({ country: 'gb', numberType: 'MOBILE', startsWith: '7400', capabilities: ['sms', 'voice'] })).toEqual({
      country: 'GB',
      numberType: 'MOBILE',
      startsWith: '7400',
      capabilities: ['sms', 'voice'],
    });
  });

  it('is refused, saying what is wrong, before any provider is asked', () => {
    expect(() => searchRequest({ country: 'Great Britain' })).toThrow('input.country must be an ISO 3166-1 alpha-2 country code such as GB, got "Great Britain"');
    expect(() => searchRequest({ country: 'GB', contains: '12a' })).toThrow('contains must be 1 to 15 digits, got "12a"');
    expect(() => searchRequest({ country: 'GB', endsWith: '1'.repeat(16) })).toThrow('endsWith must be 1 to 15 digits');
    expect(() => searchRequest({ country: 'GB', region: 'x'.repeat(65) })).toThrow('input.region must be 1 to 64 characters without control characters, got 65 characters');
    expect(() => searchRequest({ country: 'GB', region: 'Lon\u0000don' })).toThrow('input.region must be 1 to 64 characters without control characters, got a control character at position 3');
    expect(() => searchRequest({ country: 'GB', capabilities: ['sms', 'sms', 'sms', 'sms', 'sms'] })).toThrow('capabilities lists at most the 4 capabilities');
  });
});
