/** Edge checks: analysts kept to queries (by the named operation), and the API key read from Bearer or x-api-key. */
import { parse } from 'graphql';
import { expect, it } from 'vitest';
import { DEVELOPMENT_ANALYST } from '../contracts/identity.js';
import { presentedKey, refuseWrites } from './edge-checks.js';

it('keeps analysts, the development default included, to queries', () => {
  const mutation = parse('mutation Reserve { reserve(e164: "+447400123456") { id } }');
  expect(refuseWrites(DEVELOPMENT_ANALYST, mutation)?.extensions.code).toBe('FORBIDDEN');
  expect(refuseWrites(DEVELOPMENT_ANALYST, parse('subscription { changes { id } }'))?.extensions.code).toBe('FORBIDDEN');
  expect(refuseWrites(DEVELOPMENT_ANALYST, parse('query { number(e164: "+447400123456") { country } }'))).toBeNull();
  expect(refuseWrites({ role: 'frontend', tenant: 'acme', keyId: 'key_0123456789ab' }, mutation)).toBeNull();
  // the operation the request names counts, not the first in the document
  const both = parse('query Read { __typename } mutation Write { reserve { id } }');
  expect(refuseWrites(DEVELOPMENT_ANALYST, both, 'Read')).toBeNull();
  expect(refuseWrites(DEVELOPMENT_ANALYST, both, 'Write')?.extensions.code).toBe('FORBIDDEN');
});

it('reads the key from a Bearer authorization or x-api-key, and refuses another scheme', () => {
  expect(presentedKey(new Headers({ authorization: 'Bearer ng_abc' }))).toBe('ng_abc');
  expect(presentedKey(new Headers({ 'x-api-key': 'ng_def' }))).toBe('ng_def');
  expect(presentedKey(new Headers())).toBeNull();
  expect(() => presentedKey(new Headers({ authorization: 'Basic dXNlcjpwYXNz' }))).toThrow(/Bearer/);
});
