/** The allocations subgraph alone: dangling authority ids are errors, bad Number representations fail alone, unknown entities null or masked. */
import { ApolloServer } from '@apollo/server';
import { graphql } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/database.js';
import type { Database } from '../../platform/db.js';
import { maskErrors } from '../../contracts/errors.js';
import { DEVELOPMENT_ANALYST } from '../../contracts/identity.js';
import { createLogger } from '../../platform/logger.js';
import { createSubgraph } from '../subgraph.js';
import type { Context } from './context.js';
import { allocations } from './index.js';
import type { AllocationsTables } from './tables.js';

/** The allocations subgraph alone: migrated, never imported (no plan rows at all), no gateway. */
let database: Database;
let subgraph: ReturnType<typeof createSubgraph<AllocationsTables, Context>>;
beforeAll(async () => {
  database = await freshDatabase();
  subgraph = createSubgraph(allocations, database, createLogger({ LOG_LEVEL: 'silent' }));
  await subgraph.migrate();
});
afterAll(async () => {
  await database?.close();
});

describe('an authority the plan does not hold (a dangling id)', () => {
  it('is an error on Number.authority, as on Block.authority and Carrier.authority, never a silent null', async () => {
    const result = await graphql({
      schema: subgraph.schema,
      source: '{ number(e164: "+4930123456") { country authority { id } } }',
      contextValue: subgraph.createContext({ identity: DEVELOPMENT_ANALYST, requestId: 'test' }),
    });
    expect(result.data).toEqual({ number: { country: 'DE', authority: null } });
    expect(result.errors?.map((e) => ({ message: e.message, path: e.path }))).toEqual([{ message: 'authority bnetza is missing from the numbering plan', path: ['number', 'authority'] }]);
  });
});

describe('the subgraph as the gateway calls it (Apollo Server executeOperation, masked as served)', () => {
  let server: ApolloServer<Context>;
  beforeAll(async () => {
    server = new ApolloServer<Context>({ schema: subgraph.schema, formatError: maskErrors(null), includeStacktraceInErrorResponses: false });
    await server.start();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const execute = async (query: string, variables: Record<string, unknown>) => {
    const response = await server.executeOperation({ query, variables }, { contextValue: subgraph.createContext({ identity: DEVELOPMENT_ANALYST, requestId: 'test' }) });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return response.body.singleResult;
  };

  // moved from test/numbering-plan.e2e.test.ts: it needs no plan, only the subgraph
  it('fails only the bad one of a batch of Number representations, as bad input', async () => {
    const result = await execute('query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Number { e164 country } } }', {
      representations: [{ __typename: 'Number', e164: '+447400123456' }, { __typename: 'Number', e164: '12345' }],
    });
    // the bad number's fields are null with an error of their own; the good one is untouched
    expect(result.data?._entities).toEqual([{ e164: '+447400123456', country: 'GB' }, { e164: '12345', country: null }]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.path).toEqual(['_entities', 1, 'country']);
  });

  it('answers null for Carrier and Block representations the plan does not hold, without an error', async () => {
    const result = await execute('query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Carrier { name } ... on Block { prefix } } }', {
      representations: [{ __typename: 'Carrier', id: 'no-such-carrier' }, { __typename: 'Block', id: 'ofcom-s7:4477009' }],
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([null, null]);
  });

  it('masks what is not a client error: a representation of a type the subgraph does not resolve', async () => {
    const result = await execute('query ($representations: [_Any!]!) { _entities(representations: $representations) { __typename } }', {
      representations: [{ __typename: 'NoSuchType', id: 'x' }],
    });
    expect(result.errors?.[0]?.message).toBe('Internal server error');
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });
});
