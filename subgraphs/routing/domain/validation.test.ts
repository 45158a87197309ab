/** Routing input validation: SIP URIs (RFC 3261) read or refused, trunks' defaults, counts and field errors, https URLs and allowlisted http. */
import { describe, expect, it } from 'vitest';
import { parseSipUri, validateHttpsUrl, validateTrunks } from './validation.js';

describe('SIP URIs (RFC 3261)', () => {
  it.each([
    ['sip:+447400123456@trunk.example.net', { scheme: 'sip', host: 'trunk.example.net', port: null }],
    ['sips:pbx.example.net:5061', { scheme: 'sips', host: 'pbx.example.net', port: 5061 }],
    ['sip:alice@192.0.2.10;transport=tcp', { scheme: 'sip', host: '192.0.2.10', port: null }],
    ['sip:bob@[2001:db8::1]:5060', { scheme: 'sip', host: '2001:db8::1', port: 5060 }],
    ['sip:%2B44@trunk.example.net;lr', { scheme: 'sip', host: 'trunk.example.net', port: null }],
  ])('reads %s', (text, parsed) => {
    expect(parseSipUri(text)).toEqual(parsed);
  });

  it.each(['sip:', 'sip:@host', 'http://trunk.example.net', 'tel:+447400123456', 'sip:user:secret@trunk.example.net', 'sip:a@host:70000', 'sip:a@999.1.1.1', 'sip:a b@host', 'sip:a@-bad-.example', 'SIP:a@host\n'])('refuses %j', (text) => {
    expect(parseSipUri(text)).toBeNull();
  });
});

describe('trunks', () => {
  it('fills in transport, priority and weight, and names the field of each error', () => {
    expect(validateTrunks([{ uri: 'sips:pbx.example.net' }, { uri: 'sip:a@b.example', transport: 'TCP', priority: 0, weight: 0 }], ['voice', 'trunks'])).toEqual({
      trunks: [
        { uri: 'sips:pbx.example.net', transport: 'TLS', priority: 10, weight: 100 },
        { uri: 'sip:a@b.example', transport: 'TCP', priority: 0, weight: 0 },
      ],
      errors: [],
    });
    const { errors } = validateTrunks([{ uri: 'nope' }, { uri: 'sips:a.example', transport: 'UDP' }, { uri: 'sip:a.example', priority: 70_000 }, { uri: 'x'.repeat(600) }], ['voice', 'trunks']);
    expect(errors.map((e) => e.field)).toEqual([
      ['voice', 'trunks', '0', 'uri'],
      ['voice', 'trunks', '1', 'transport'],
      ['voice', 'trunks', '2', 'priority'],
      ['voice', 'trunks', '3', 'uri'],
    ]);
  });

  it('takes 1 to 8', () => {
    expect(validateTrunks([], ['t']).errors).toEqual([{ code: 'INVALID', message: 'give 1 to 8 trunks, got 0', field: ['t'] }]);
    expect(validateTrunks(Array.from({ length: 9 }, () => ({ uri: 'sip:a.example' })), ['t']).errors).toHaveLength(1);
  });
});

describe('https URLs', () => {
  const field = ['input', 'url'];
  it('takes https without credentials or a fragment', () => {
    expect(validateHttpsUrl('https://hooks.example.com/in?x=1', field).error).toBeNull();
    for (const text of ['http://hooks.example.com/', 'ftp://hooks.example.com/', 'https://u:p@hooks.example.com/', 'https://u@hooks.example.com/', 'https://hooks.example.com/#x', 'not a url', `https://hooks.example.com/${'a'.repeat(2100)}`]) {
      expect(validateHttpsUrl(text, field).error, text).toMatchObject({ code: 'INVALID', field });
    }
  });

  it('takes http only for a host the allowlist names', () => {
    const allow = (host: string) => host === '127.0.0.1';
    expect(validateHttpsUrl('http://127.0.0.1:8080/hook', field, allow).error).toBeNull();
    expect(validateHttpsUrl('http://hooks.example.com/', field, allow).error).not.toBeNull();
  });
});
