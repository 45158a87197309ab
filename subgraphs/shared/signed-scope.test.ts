import { expect, it } from 'vitest';
import { ConfigError } from './config.js';
import { readSigningSecret, signScope, SIGNED_SCOPE_TTL_SECONDS, verifyScope } from './signed-scope.js';

const SECRET = 'a'.repeat(32);
const scope = { identity: { role: 'partner' as const, tenant: 'acme', keyId: 'key_0123456789ab' }, requestId: 'req-1' };

it('carries the identity and request id to a subgraph holding the same secret', () => {
  expect(verifyScope(signScope(scope, SECRET), SECRET)).toEqual(scope);
});

it('refuses a token signed with another secret, tampered with, expired, or missing', () => {
  const now = Date.now();
  const token = signScope(scope, SECRET, now);
  expect(verifyScope(token, 'b'.repeat(32), now)).toBeNull();
  const [payload, signature] = token.split('.');
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), identity: { ...scope.identity, tenant: 'globex' } })).toString('base64url');
  expect(verifyScope(`${forged}.${signature}`, SECRET, now)).toBeNull();
  expect(verifyScope(token, SECRET, now + (SIGNED_SCOPE_TTL_SECONDS + 1) * 1000)).toBeNull();
  expect(verifyScope(undefined, SECRET)).toBeNull();
  expect(verifyScope('not-a-token', SECRET)).toBeNull();
});

it('requires a secret of at least 32 characters where the processes talk HTTP, naming the variable', () => {
  expect(() => readSigningSecret({}, true)).toThrow(ConfigError);
  expect(() => readSigningSecret({}, true)).toThrow(/GATEWAY_SIGNING_SECRET/);
  expect(() => readSigningSecret({ GATEWAY_SIGNING_SECRET: 'short' }, false)).toThrow(/at least 32/);
  expect(readSigningSecret({}, false)).toBeNull();
});
