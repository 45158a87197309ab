import { graphql } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/database.js';
import type { Database } from '../shared/db.js';
import { DEVELOPMENT_ANALYST } from '../shared/identity.js';
import { createLogger } from '../shared/logger.js';
import { createSubgraph } from '../shared/subgraph.js';
import type { Context } from './context.js';
import { allocations } from './index.js';
import type { AllocationsTables } from './tables.js';

describe('an authority the plan does not hold (a dangling id)', () => {
  let database: Database;
  let subgraph: ReturnType<typeof createSubgraph<AllocationsTables, Context>>;
  beforeAll(async () => {
    // migrated, never imported: no authority rows at all
    database = await freshDatabase();
    subgraph = createSubgraph(allocations, database, createLogger({ LOG_LEVEL: 'silent' }));
    await subgraph.migrate();
  });
  afterAll(async () => {
    await database?.close();
  });

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
