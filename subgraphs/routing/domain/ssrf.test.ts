/** SSRF rules: non-public address classes refused, every resolved address checked and the first pinned, ROUTING_ALLOW_HOSTS entries and ports. */
import { describe, expect, it } from 'vitest';
import { AddressPolicy, forbiddenRange, type Resolver } from './ssrf.js';

const dns = (answers: Record<string, string[]>): Resolver => async (host) => {
  const found = answers[host];
  if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

describe('address classes', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.100.100.200', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00:ec2::254', 'ff02::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1', '64:ff9b::a00:1', '2002:a00:1::1'])('refuses %s', (address) => {
    expect(forbiddenRange(address)).not.toBeNull();
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:93.184.216.34'])('takes %s', (address) => {
    expect(forbiddenRange(address)).toBeNull();
  });
});

describe('AddressPolicy', () => {
  const resolver = dns({ 'hooks.example.com': ['93.184.216.34'], 'loop.example.com': ['127.0.0.1'], 'mixed.example.com': ['93.184.216.34', '10.0.0.1'], 'internal.corp': ['10.9.9.9'] });

  it('checks every resolved address and pins the first', async () => {
    const policy = AddressPolicy.fromEnv({}, resolver);
    expect(await policy.check('hooks.example.com')).toEqual({ ok: true, pinned: { address: '93.184.216.34', family: 4 } });
    expect(await policy.check('loop.example.com')).toEqual({ ok: false, reason: 'loop.example.com resolves to 127.0.0.1, a loopback address, which is not allowed' });
    expect(await policy.check('mixed.example.com')).toMatchObject({ ok: false });
    expect(await policy.check('169.254.169.254')).toEqual({ ok: false, reason: '169.254.169.254 resolves to 169.254.169.254, a link-local address, which is not allowed' });
    expect(await policy.check('[::1]')).toMatchObject({ ok: false });
    expect(await policy.check('nowhere.example.com')).toMatchObject({ ok: false, unresolved: true });
  });

  it('lets ROUTING_ALLOW_HOSTS name hosts, addresses and ranges', async () => {
    const policy = AddressPolicy.fromEnv({ ROUTING_ALLOW_HOSTS: 'internal.corp, 127.0.0.1, 192.168.0.0/16' }, dns({ 'internal.corp': ['10.9.9.9'], 'lan.example': ['192.168.4.4'], 'loop.example.com': ['127.0.0.1'] }));
    expect(await policy.check('internal.corp')).toEqual({ ok: true, pinned: { address: '10.9.9.9', family: 4 } });
    expect(await policy.check('lan.example')).toMatchObject({ ok: true });
    expect(await policy.check('127.0.0.1')).toMatchObject({ ok: true });
    expect(await policy.check('10.1.1.1')).toMatchObject({ ok: false });
    expect(policy.allowsHost('INTERNAL.corp')).toBe(true);
    expect(policy.allowsHost('other.corp')).toBe(false);
  });

  it('lets a ROUTING_ALLOW_HOSTS entry name one port, exempting that port only', async () => {
    const policy = AddressPolicy.fromEnv({ ROUTING_ALLOW_HOSTS: '127.0.0.1:8443, [::1]:9000, hooks.internal:7000' }, dns({ 'hooks.internal': ['10.0.0.7'] }));
    // a test receiver on its port is allowed; the same address on https's port is not
    expect(await policy.check('127.0.0.1', 8443)).toMatchObject({ ok: true });
    expect(await policy.check('127.0.0.1', 443)).toMatchObject({ ok: false });
    expect(await policy.check('127.0.0.1')).toMatchObject({ ok: false });
    expect(await policy.check('::1', 9000)).toMatchObject({ ok: true });
    expect(await policy.check('::1', 443)).toMatchObject({ ok: false });
    expect(policy.allowsHost('hooks.internal', 7000)).toBe(true);
    expect(policy.allowsHost('hooks.internal', 443)).toBe(false);
    expect(await policy.check('hooks.internal', 443)).toMatchObject({ ok: false });
    expect(() => AddressPolicy.fromEnv({ ROUTING_ALLOW_HOSTS: '127.0.0.1:70000' })).toThrow(/ROUTING_ALLOW_HOSTS: the port of "127.0.0.1:70000" must be 1 to 65535/);
  });

  it('fails fast on a bad ROUTING_ALLOW_HOSTS entry, naming the variable', () => {
    expect(() => AddressPolicy.fromEnv({ ROUTING_ALLOW_HOSTS: 'ok.example, bad host!' })).toThrow(/ROUTING_ALLOW_HOSTS/);
  });
});
