/** The gateway in development mode: keyless analyst, field suggestions, explorer, request ids, hung subgraphs as SUBGRAPH_TIMEOUT, draining. */
import type { SubgraphName } from '../subgraphs/names.js';
import type { GraphQLFieldResolver } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestScope } from '../contracts/identity.js';
import { observeSubgraphFetches, operation, startTestGateway, type TestGateway } from './support/gateway.js';
import { postJson } from './support/http.js';

/**
 * The gateway in development mode (the default of `npm start`) when things go wrong: a subgraph
 * that hangs, a stop during a request; and what development allows that production does not.
 */
let gateway: TestGateway;
const scopes: RequestScope[] = [];

beforeAll(async () => {
  gateway = await startTestGateway({ env: { SUBGRAPH_TIMEOUT_MS: '1000', NUMBERGRAPH_MODE: undefined, NODE_ENV: undefined } });
  observeSubgraphFetches(gateway, (scope) => scopes.push(scope), ['allocations']);
});
afterAll(async () => {
  await gateway?.close();
});

/** Replaces a root field's resolver of a subgraph served in-process; returns how to put it back. */
function replaceResolver(subgraph: SubgraphName, field: string, resolve: (original: GraphQLFieldResolver<unknown, unknown>) => GraphQLFieldResolver<unknown, unknown>) {
  const definition = gateway.embedded.subgraphs[subgraph].schema.getQueryType()!.getFields()[field]!;
  const original = definition.resolve!;
  definition.resolve = resolve(original);
  return () => {
    definition.resolve = original;
  };
}

describe('development mode', () => {
  it('serves a request without a key as the development analyst, who may introspect', async () => {
    expect(await gateway.request('{ number(e164: "+447400123456") { country } }')).toEqual({ data: { number: { country: 'GB' } } });
    expect(await gateway.request('{ __schema { queryType { name } } }')).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    // the Rust planner would answer number null here: refused with what to do instead
    const mixed = await gateway.request('{ __schema { queryType { name } } number(e164: "+447400123456") { country } }');
    expect(mixed.data ?? null).toBeNull();
    expect(mixed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('suggests field names in development', async () => {
    const body = await gateway.request('{ numbr(e164: "+447400123456") { e164 } }');
    expect(body.errors?.[0]?.message).toMatch(/Did you mean "number"/);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('gives a browser the explorer as the landing page, Apollo Sandbox at /sandbox', async () => {
    const page = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('explorer/graphiql.js');
    const sandbox = await fetch(new URL('/sandbox', gateway.url), { headers: { accept: 'text/html' } });
    expect(await sandbox.text()).toContain('EmbeddedSandbox');
  });

  it('passes the request id to the subgraphs and back to the client', async () => {
    const response = await postJson(gateway.url, { query: '{ number(e164: "+447400123456") { country } }' }, { 'x-request-id': 'trace-me-42' });
    expect(response.headers.get('x-request-id')).toBe('trace-me-42');
    expect(scopes.at(-1)).toEqual({ requestId: 'trace-me-42', identity: { role: 'analyst', tenant: null, keyId: null } });
    const generated = await postJson(gateway.url, { query: '{ number(e164: "+447400123456") { country } }' }, { 'x-request-id': 'not a valid id; ' + 'x'.repeat(100) });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('a subgraph that hangs', () => {
  it('yields partial data and a SUBGRAPH_TIMEOUT error, naming no subgraph', async () => {
    // routing answers Number.route through _entities: make it never answer
    const restore = replaceResolver('routing', '_entities', () => () => new Promise(() => undefined));
    try {
      const response = await postJson(gateway.url, { query: operation('Lineage'), variables: { e164: '+447400123456' } });
      const text = await response.text();
      const body = JSON.parse(text);
      expect(body.data.number.block.authority.name).toBe('Ofcom');
      expect(body.data.number.route).toBeNull();
      expect(body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toContain('SUBGRAPH_TIMEOUT');
      expect(text).not.toMatch(/routing|localhost|127\.0\.0\.1|_entities|representations/i);
    } finally {
      restore();
    }
  });
});

describe('stopping', () => {
  it('completes a request in flight when the gateway drains (SIGTERM), and takes no new one', async () => {
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    const restore = replaceResolver('allocations', 'number', (original) => async (...args) => {
      started();
      await new Promise((resolve) => setTimeout(resolve, 200));
      return original(...args);
    });
    try {
      const pending = gateway.request('{ number(e164: "+447400123456") { country } }');
      await inFlight;
      const stopped = gateway.embedded.gateway.stop();
      expect(await pending).toEqual({ data: { number: { country: 'GB' } } });
      await stopped;
      await expect(gateway.request('{ __typename }')).rejects.toThrow();
    } finally {
      restore();
    }
  });
});
