import { readFileSync } from 'node:fs';
import { buildSchema, getIntrospectionQuery, parse } from 'graphql';
import { expect, it } from 'vitest';
import { SCHEMA_DIR } from '../subgraphs/shared/subgraph.js';
import { apiSchemaOf } from './operations/check.js';
import { checkLimits, measureOperation, mixesIntrospection } from './limits.js';
import { DEFAULT_LIMITS } from './settings.js';

const schema = apiSchemaOf(readFileSync(`${SCHEMA_DIR}supergraph.graphql`, 'utf8'));
const measure = (query: string, variables?: Record<string, unknown>) => measureOperation(schema, parse(query), undefined, variables, DEFAULT_LIMITS.assumedListSize);

it('counts aliases (__typename included), root fields, depth and fields through fragments', () => {
  const measures = measure('query { a: __typename b: number(e164: "+447400123456") { ...N } } fragment N on Number { block { carrier { name } } }');
  expect(measures).toMatchObject({ aliases: 2, rootFields: 2, depth: 4, fields: 5 });
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

it('counts every spread of fragments that spread each other many times, measuring each fragment once', () => {
  // 2^60 aliased __typename from 120 spreads: walking every copy would never finish
  const chain = (levels: number, leaf: string, on: string) =>
    `${Array.from({ length: levels }, (_, i) => `fragment F${i} on ${on} { ...F${i + 1} ...F${i + 1} }`).join(' ')} fragment F${levels} on ${on} { ${leaf} }`;
  const aliased = measure(`{ ...F0 } ${chain(60, 'a: __typename', 'Query')}`);
  expect(aliased).toMatchObject({ aliases: 2 ** 60, rootFields: 2 ** 60, depth: 1 });
  expect(checkLimits(aliased, DEFAULT_LIMITS)?.message).toBe('The operation has more than 10^15 aliases; the limit is 30');
  const lookups = measure(`{ carriers(first: 1) { edges { node { ...F0 } } } } ${chain(40, 'authority { name }', 'Carrier')}`);
  // carriers, edges and node 1 each; then one authority per copy
  expect(lookups.cost).toBe(3 + 2 ** 40);
  expect(checkLimits(lookups, DEFAULT_LIMITS)?.extensions.code).toBe('COST_LIMIT_EXCEEDED');
  // scalars only: no alias, no cost, but planning 2^40 copies would hold the gateway for good
  const scalars = measure(`{ carrier(id: "gb:hutchison-3g-uk-ltd") { ...F0 } } ${chain(40, 'id name', 'Carrier')}`);
  expect(scalars).toMatchObject({ aliases: 0, cost: 1, fields: 1 + 2 * 2 ** 40 });
  expect(checkLimits(scalars, DEFAULT_LIMITS)?.extensions.code).toBe('TOKEN_LIMIT_EXCEEDED');
  expect(checkLimits(measure(`{ carrier(id: "gb:hutchison-3g-uk-ltd") { ...F0 } } ${chain(4, 'id name', 'Carrier')}`), DEFAULT_LIMITS)).toBeNull();
});

it('weighs a list by the default of its variable when the request leaves it out, and by its own default when first is null', () => {
  const page = 'query($carriers: Int = 100, $blocks: Int = 100) { carriers(first: $carriers) { edges { node { blocks(first: $blocks) { edges { node { prefix } } } } } } }';
  expect(measure(page, {}).cost).toBe(measure(page, { carriers: 100, blocks: 100 }).cost);
  expect(checkLimits(measure(page, {}), DEFAULT_LIMITS)?.extensions.code).toBe('COST_LIMIT_EXCEEDED');
  // null asks for the list's default size (Query.carriers: 20, Carrier.blocks: 20)
  expect(measure('{ carriers(first: null) { edges { node { blocks(first: null) { edges { node { prefix } } } } } } }').cost).toBe(
    measure('{ carriers(first: 20) { edges { node { blocks(first: 20) { edges { node { prefix } } } } } } }').cost,
  );
});

it('refuses introspection beside other root fields, also when fragments at the root bring them together', () => {
  const refused = (query: string) => mixesIntrospection(parse(query))?.extensions.code;
  expect(refused('{ __schema { queryType { name } } authority(id: "ofcom") { name } }')).toBe('BAD_USER_INPUT');
  expect(refused('{ ...Both } fragment Both on Query { __schema { queryType { name } } authority(id: "ofcom") { name } }')).toBe('BAD_USER_INPUT');
  expect(refused('{ ... on Query { __type(name: "Number") { name } } ...A } fragment A on Query { authority(id: "ofcom") { name } }')).toBe('BAD_USER_INPUT');
  expect(refused('{ __typename ...S } fragment S on Query { __schema { queryType { name } } }')).toBeUndefined();
  expect(refused('{ ...A } fragment A on Query { authority(id: "ofcom") { name } ...A }')).toBeUndefined();
});

it('lets the full standard introspection query through every default limit, and no other query gains depth', () => {
  const full = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true, directiveIsRepeatable: true, schemaDescription: true });
  expect(checkLimits(measure(full), DEFAULT_LIMITS)).toBeNull();
  // ofType chains add no depth; every other introspection level does
  expect(measure('{ __type(name: "Number") { fields { type { ofType { ofType { ofType { name } } } } } } }').depth).toBe(4);
  // a selection nested 13 deep through the graph's own fields is refused as before
  const deep = '{ carriers(first: 1) { edges { node { blocks(first: 1) { edges { node { carrier { blocks(first: 1) { edges { node { carrier { authority { name } } } } } } } } } } } } }';
  expect(measure(deep).depth).toBe(13);
  expect(checkLimits(measure(deep), DEFAULT_LIMITS)?.extensions.code).toBe('DEPTH_LIMIT_EXCEEDED');
});

it('weighs lookupNumbers by the number of numbers it is given, literal, from a variable or its default', () => {
  const numbers = (n: number) => Array.from({ length: n }, (_, i) => `+4474001${String(i).padStart(5, '0')}`);
  const lookup = 'query($e: [String!]!) { lookupNumbers(e164s: $e) { e164 holder { id } originatingCarrier { authority { name } } } }';
  // each number: holder, originatingCarrier and its authority
  expect(measure(lookup, { e: numbers(10) }).cost).toBe(1 + 10 * 3);
  expect(measure(lookup, { e: numbers(500) }).cost).toBe(1 + 500 * 3);
  expect(measure(`{ lookupNumbers(e164s: ${JSON.stringify(numbers(7))}) { holder { id } } }`).cost).toBe(1 + 7);
  expect(measure(`query($e: [String!]! = ${JSON.stringify(numbers(4))}) { lookupNumbers(e164s: $e) { holder { id } } }`, {}).cost).toBe(1 + 4);
  const heavy = 'query($e: [String!]!) { lookupNumbers(e164s: $e) { block { carrier { authority { name } } } tierChain { provider { id } } } }';
  expect(checkLimits(measure(heavy, { e: numbers(10) }), DEFAULT_LIMITS)).toBeNull();
  expect(checkLimits(measure(heavy, { e: numbers(500) }), DEFAULT_LIMITS)?.extensions.code).toBe('COST_LIMIT_EXCEEDED');
});
