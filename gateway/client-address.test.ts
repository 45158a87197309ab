/** Client address from x-forwarded-for only via trusted proxies, and the per-address failed-authentication limit. */
import { expect, it } from 'vitest';
import { ConfigError } from '../platform/config.js';
import { authFailureLimit, clientAddress, readTrustedProxies } from './client-address.js';

it('believes x-forwarded-for only from a trusted proxy, and only its right-most untrusted hop', () => {
  const proxies = readTrustedProxies('10.0.0.0/8, 127.0.0.1');
  expect(clientAddress('203.0.113.7', '198.51.100.1', proxies)).toBe('203.0.113.7'); // not a proxy: its header is ignored
  expect(clientAddress('::ffff:10.1.2.3', '198.51.100.1', proxies)).toBe('198.51.100.1');
  // the client wrote the left-most hop itself
  expect(clientAddress('10.1.2.3', '1.2.3.4, 198.51.100.1, 10.9.9.9', proxies)).toBe('198.51.100.1');
  expect(clientAddress('127.0.0.1', 'garbage', proxies)).toBe('127.0.0.1');
  expect(() => readTrustedProxies('10.0.0.0/99')).toThrow(ConfigError);
  expect(() => readTrustedProxies('proxy.internal')).toThrow(/TRUSTED_PROXIES/);
});

it('refuses an address past its failed authentications, and no other', () => {
  const limit = authFailureLimit(3, 60);
  for (let i = 0; i < 3; i++) {
    expect(limit.refused('203.0.113.7')).toBeNull();
    limit.failed('203.0.113.7');
  }
  expect(limit.refused('203.0.113.7')).toBeGreaterThan(0);
  expect(limit.refused('198.51.100.9')).toBeNull();
});
