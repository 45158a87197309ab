/** Gateway settings: development by default with documented limits, production from NODE_ENV or NUMBERGRAPH_MODE, bad values named. */
import { expect, it } from 'vitest';
import { ConfigError } from '../platform/config.js';
import { DEFAULT_LIMITS, readGatewaySettings } from './settings.js';

it('defaults to development with the documented limits, and production from NODE_ENV or NUMBERGRAPH_MODE', () => {
  const settings = readGatewaySettings({}, { subgraphsOverHttp: false });
  expect(settings.mode).toBe('development');
  expect(settings.limits).toEqual(DEFAULT_LIMITS);
  expect(settings.limits.bodyBytes).toBe(4 * 1024 * 1024);
  expect(readGatewaySettings({ NODE_ENV: 'production' }, { subgraphsOverHttp: false }).mode).toBe('production');
  expect(readGatewaySettings({ NUMBERGRAPH_MODE: 'production' }, { subgraphsOverHttp: false }).mode).toBe('production');
});

it('takes raised limits from the environment', () => {
  const settings = readGatewaySettings({ MAX_ALIASES: '8000', MAX_ROOT_FIELDS: '8000', MAX_TOKENS: '200000', MAX_COST: '100000' }, { subgraphsOverHttp: false });
  expect(settings.limits).toMatchObject({ aliases: 8000, rootFields: 8000, tokens: 200_000, cost: 100_000 });
});

it('fails fast on a bad value, naming the variable', () => {
  const bad: [Record<string, string>, RegExp][] = [
    [{ MAX_DEPTH: 'deep' }, /MAX_DEPTH/],
    [{ NUMBERGRAPH_MODE: 'prod' }, /NUMBERGRAPH_MODE/],
    [{ CORS_ORIGINS: 'https://app.example.com/path' }, /CORS_ORIGINS/],
    [{ REDIS_URL: 'http://localhost' }, /REDIS_URL/],
    [{ HTTP_HEADERS_TIMEOUT_MS: '60000', HTTP_REQUEST_TIMEOUT_MS: '1000' }, /HTTP_HEADERS_TIMEOUT_MS/],
    [{ METRICS_PORT: '70000' }, /METRICS_PORT/],
    [{ TRUSTED_PROXIES: 'lb.internal' }, /TRUSTED_PROXIES/],
    [{ AUTH_FAILURES_PER_ADDRESS: '0' }, /AUTH_FAILURES_PER_ADDRESS/],
    [{ MAX_UPSTREAM_CALLS: 'many' }, /MAX_UPSTREAM_CALLS/],
    [{ UPSTREAM_CALLS_PER_MINUTE: '-1' }, /UPSTREAM_CALLS_PER_MINUTE/],
  ];
  for (const [env, name] of bad) {
    expect(() => readGatewaySettings(env, { subgraphsOverHttp: false })).toThrow(ConfigError);
    expect(() => readGatewaySettings(env, { subgraphsOverHttp: false })).toThrow(name);
  }
  expect(() => readGatewaySettings({}, { subgraphsOverHttp: true })).toThrow(/GATEWAY_SIGNING_SECRET/);
});
