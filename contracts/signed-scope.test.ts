/** Signed scopes: identity carried for the exact body sent, forged, tampered, expired or reused headers refused, secrets of 32+ characters. */
import { expect, it } from 'vitest';
import { ConfigError } from '../platform/config.js';
import { readSigningSecret, replayGuard, signScope, SIGNED_SCOPE_TTL_SECONDS, verifyScope } from './signed-scope.js';

const SECRET = 'a'.repeat(32);
const scope = { identity: { role: 'partner' as const, tenant: 'acme', keyId: 'key_0123456789ab' }, requestId: 'req-1' };
const request = { query: 'mutation R($n: [String!]!) { reserveNumbers(numbers: $n) { id } }', variables: { n: ['+447400123456'] } };

it('carries the identity and request id to a subgraph holding the same secret, for the request it was made for', () => {
  expect(verifyScope(signScope(scope, SECRET, request), SECRET, request)).toMatchObject(scope);
  // bound to the bytes sent: the body as a string, or the object whose JSON is sent
  const body = JSON.stringify(request);
  expect(verifyScope(signScope(scope, SECRET, body), SECRET, body)).toMatchObject(scope);
  expect(verifyScope(signScope(scope, SECRET, request), SECRET, body)).toMatchObject(scope);
  // the same request in other bytes is another body: the service checks what it received
  expect(verifyScope(signScope(scope, SECRET, body), SECRET, JSON.stringify(request, null, 1))).toBeNull();
});

it('refuses a token signed with another secret, tampered with, expired, missing, or sent with another body', () => {
  const now = Date.now();
  const token = signScope(scope, SECRET, request, now);
  expect(verifyScope(token, 'b'.repeat(32), request, now)).toBeNull();
  const [payload, signature] = token.split('.');
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), identity: { ...scope.identity, tenant: 'globex' } })).toString('base64url');
  expect(verifyScope(`${forged}.${signature}`, SECRET, request, now)).toBeNull();
  expect(verifyScope(token, SECRET, request, now + (SIGNED_SCOPE_TTL_SECONDS + 1) * 1000)).toBeNull();
  expect(verifyScope(undefined, SECRET, request)).toBeNull();
  expect(verifyScope('not-a-token', SECRET, request)).toBeNull();
  expect(verifyScope(token, SECRET, { query: '{ orders(first: 100) { edges { node { id } } } }' }, now)).toBeNull();
  expect(verifyScope(token, SECRET, { ...request, variables: { n: ['+447400999999'] } }, now)).toBeNull();
  expect(verifyScope(token, SECRET, { ...request, operationName: 'Other' }, now)).toBeNull();
});

it('accepts a header once, within a lifetime a fetch needs', () => {
  expect(SIGNED_SCOPE_TTL_SECONDS).toBeLessThanOrEqual(15);
  const guard = replayGuard();
  const verified = verifyScope(signScope(scope, SECRET, request), SECRET, request)!;
  expect(guard.firstUse(verified)).toBe(true);
  expect(guard.firstUse(verified)).toBe(false);
  expect(guard.firstUse(verifyScope(signScope(scope, SECRET, request), SECRET, request)!)).toBe(true);
});

it('requires a secret of at least 32 characters where the processes talk HTTP, naming the variable', () => {
  expect(() => readSigningSecret({}, true)).toThrow(ConfigError);
  expect(() => readSigningSecret({}, true)).toThrow(/GATEWAY_SIGNING_SECRET/);
  expect(() => readSigningSecret({ GATEWAY_SIGNING_SECRET: 'short' }, false)).toThrow(/at least 32/);
  expect(readSigningSecret({}, false)).toBeNull();
});
