import { readFileSync } from 'node:fs';
import { buildSchema, parse } from 'graphql';
import { expect, it } from 'vitest';
import { SCHEMA_DIR } from '../subgraphs/shared/subgraph.js';
import { apiSchemaOf } from './operations/check.js';
import { checkLimits, measureOperation } from './limits.js';
import { DEFAULT_LIMITS } from './settings.js';

const schema = apiSchemaOf(readFileSync(`${SCHEMA_DIR}supergraph.graphql`, 'utf8'));
const measure = (query: string, variables?: Record<string, unknown>) => measureOperation(schema, parse(query), undefined, variables, DEFAULT_LIMITS.assumedListSize);

it('counts aliases (__typename included), root fields and depth through fragments', () => {
  const measures = measure('query { a: __typename b: number(e164: "+447400123456") { ...N } } fragment N on Number { block { carrier { name } } }');
  expect(measures).toMatchObject({ aliases: 2, rootFields: 2, depth: 4 });
});

it('weighs lists by their first, from a literal or a variable, edges by their connection', () => {
  const page = 'query($n: Int) { carriers(first: $n) { edges { node { blocks(first: 10) { edges { node { prefix } } } } } } }';
  const small = measure(page, { n: 2 });
  const large = measure(page, { n: 100 });
  expect(large.cost).toBeGreaterThan(small.cost * 40);
  expect(checkLimits(large, DEFAULT_LIMITS)).toBeNull();
  expect(checkLimits(measure(page.replace('first: 10', 'first: 100'), { n: 100 }), DEFAULT_LIMITS)?.extensions.code).toBe('COST_LIMIT_EXCEEDED');
});

it('lets the contract operations through the default limits', () => {
  for (const file of ['Lineage']) {
    const measures = measure(readFileSync(`${SCHEMA_DIR}operations/${file}.graphql`, 'utf8'), { e164: '+447400123456' });
    expect(checkLimits(measures, DEFAULT_LIMITS)).toBeNull();
  }
});

it('survives a fragment cycle (validation reports it)', () => {
  const cyclic = buildSchema('type Query { a: A } type A { a: A }');
  expect(() => measureOperation(cyclic, parse('{ a { ...F } } fragment F on A { a { ...F } }'), undefined, {}, 20)).not.toThrow();
});
