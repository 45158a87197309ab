/** Unit tests of the request limits: the measures (limits.ts), priced by the supergraph's @cost/@listSize, and the rules (limit-rules.ts). */
import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { buildSchema, getIntrospectionQuery, parse, validate } from 'graphql';
import { expect, it } from 'vitest';
import { SCHEMA_DIR } from '../subgraphs/subgraph.js';
import { costDirectivesOf } from './cost-directives.js';
import { IntrospectionAloneRule } from './introspection-alone.js';
import { firstLimitExceeded, requestLimitRules } from './limit-rules.js';
import { measureOperation, operationToRun, type OperationMeasures, type Pricing } from './limits.js';
import { apiSchemaOf } from './operations/check.js';
import { parseWithin, useRequestLimits } from './plugins/useRequestLimits.js';
import { DEFAULT_LIMITS, type RequestLimits } from './settings.js';

const supergraph = readFileSync(`${SCHEMA_DIR}supergraph.graphql`, 'utf8');
const schema = apiSchemaOf(supergraph);
const pricing: Pricing = { ...costDirectivesOf(supergraph), assumedListSize: DEFAULT_LIMITS.assumedListSize };
const measure = (query: string, variables?: Record<string, unknown>) => {
  const document = parse(query);
  return measureOperation(schema, document, operationToRun(document, undefined), variables, pricing);
};
/** The first limit the document exceeds, through the rules as the plugin runs them (the operation run by its variables, the others by their defaults). */
const refusal = (query: string, variables?: Record<string, unknown>, options: { operationName?: string; limits?: RequestLimits; exempt?: () => boolean } = {}) => {
  const document = parse(query);
  const run = operationToRun(document, options.operationName);
  const of = (operation: typeof run): OperationMeasures => measureOperation(schema, document, operation, operation === run ? variables : null, pricing);
  return firstLimitExceeded(schema, document, requestLimitRules(options.limits ?? DEFAULT_LIMITS, { run, of }, options.exempt));
};
const code = (query: string, variables?: Record<string, unknown>) => refusal(query, variables)?.extensions.code;

it('counts aliases (__typename included), root fields, depth and fields through fragments', () => {
  const measures = measure('query { a: __typename b: number(e164: "+447400123456") { ...N } } fragment N on Number { block { carrier { name } } }');
  expect(measures).toMatchObject({ aliases: 2, rootFields: 2, depth: 4, fields: 5 });
});

it('weighs lists by their first, from a literal or a variable, edges by their connection', () => {
  const page = 'query($n: Int) { carriers(first: $n) { edges { node { blocks(first: 10) { edges { node { prefix } } } } } } }';
  const small = measure(page, { n: 2 });
  const large = measure(page, { n: 100 });
  expect(large.cost).toBeGreaterThan(small.cost * 40);
  expect(refusal(page, { n: 100 })).toBeNull();
  expect(code(page.replace('first: 10', 'first: 100'), { n: 100 })).toBe('COST_LIMIT_EXCEEDED');
});

it('prices the contract operations as before, but a page\'s pageInfo once instead of once per edge', () => {
  const operation = (name: string) => readFileSync(`${SCHEMA_DIR}operations/${name}.graphql`, 'utf8');
  expect(measure(operation('Lineage'), { e164: '+447400123456' })).toMatchObject({ cost: 34, upstream: 0 });
  expect(measure(operation('MarketDepth'), { country: 'GB', numberType: 'MOBILE' })).toMatchObject({ cost: 23, upstream: 0 });
  // orderNumbers weighs its @cost 100, in the cost and as provider calls
  expect(measure(operation('OrderNumbers'), { input: { numbers: ['+447400123456'], idempotencyKey: 'k' } })).toMatchObject({ cost: 123, upstream: 100 });
  // 1 + pageInfo 1 + 500 edges of 29 (15,001 when pageInfo counted once per edge); live: 500 status calls
  expect(measure(operation('InventoryLineage'), { first: 500 })).toMatchObject({ cost: 14_502, upstream: 500 });
  expect(measure(operation('InventoryLineage'), { first: 20 })).toMatchObject({ cost: 582, upstream: 20 });
  for (const name of ['Lineage', 'MarketDepth', 'OrderNumbers']) expect(refusal(operation(name), {}), name).toBeNull();
  // InventoryLineage's 500 numbers are over the cost limit: the contract exemption lets them through
  expect(refusal(operation('InventoryLineage'), { first: 500 })?.extensions.code).toBe('COST_LIMIT_EXCEEDED');
  expect(refusal(operation('InventoryLineage'), { first: 500 }, { exempt: () => true })).toBeNull();
  // exempt from cost and provider calls only, not from the other limits
  expect(refusal(operation('InventoryLineage'), { first: 500 }, { exempt: () => true, limits: { ...DEFAULT_LIMITS, depth: 3 } })?.extensions.code).toBe('DEPTH_LIMIT_EXCEEDED');
});

it('sizes lists by their @listSize, whatever the arguments and types are called', () => {
  // a subgraph of our own, composed as the real ones are: the directives reach the supergraph
  const composed = composeServices([
    {
      name: 'books',
      url: 'http://books.invalid/graphql',
      typeDefs: parse(`
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@listSize", "@cost"])
        type Query {
          shelf(take: Int = 7, first: Int): Shelf! @listSize(slicingArguments: ["take"], sizedFields: ["books"], requireOneSlicingArgument: false)
          books(first: Int): [Book]
          pile: [Book] @listSize(assumedSize: 3)
          scan: Book @cost(weight: 9)
        }
        type Shelf { books: [Book] label: Label }
        type Book { title: String author: Author }
        type Author { name: String }
        type Label { text: String }`),
    },
  ]);
  if (!composed.supergraphSdl) throw new Error(`composition failed: ${composed.errors?.map((e) => e.message).join('; ')}`);
  const test = apiSchemaOf(composed.supergraphSdl);
  const prices: Pricing = { ...costDirectivesOf(composed.supergraphSdl), assumedListSize: 20 };
  const cost = (query: string, variables?: Record<string, unknown>) => {
    const document = parse(query);
    return measureOperation(test, document, operationToRun(document, undefined), variables, prices).cost;
  };
  expect(prices.listSizes.get('Query.shelf')).toEqual({ slicingArguments: ['take'], sizedFields: ['books'] });
  // take sizes books (each book 1 + its author 1); the label counts once, not per book
  expect(cost('{ shelf(take: 4) { books { author { name } } label { text } } }')).toBe(1 + 1 + 4 * 2);
  expect(cost('query($n: Int) { shelf(take: $n) { books { author { name } } } }', { n: 12 })).toBe(1 + 12 * 2);
  // take left out: its default; first is no slicing argument here, whatever its name
  expect(cost('{ shelf(first: 100) { books { author { name } } } }')).toBe(1 + 7 * 2);
  // a list without @listSize: the assumed size, first or not
  expect(cost('{ books(first: 2) { author { name } } }')).toBe(1 + 20);
  expect(cost('{ pile { author { name } } }')).toBe(1 + 3);
  expect(cost('{ scan { title } }')).toBe(9);
});

it('survives a fragment cycle (validation reports it)', () => {
  const cyclic = buildSchema('type Query { a: A } type A { a: A }');
  const document = parse('{ a { ...F } } fragment F on A { a { ...F } }');
  expect(() => measureOperation(cyclic, document, operationToRun(document, undefined), {}, { weights: new Map(), listSizes: new Map(), assumedListSize: 20 })).not.toThrow();
});

it('counts every spread of fragments that spread each other many times, measuring each fragment once', () => {
  // 2^60 aliased __typename from 120 spreads: walking every copy would never finish
  const chain = (levels: number, leaf: string, on: string) =>
    `${Array.from({ length: levels }, (_, i) => `fragment F${i} on ${on} { ...F${i + 1} ...F${i + 1} }`).join(' ')} fragment F${levels} on ${on} { ${leaf} }`;
  const aliased = measure(`{ ...F0 } ${chain(60, 'a: __typename', 'Query')}`);
  expect(aliased).toMatchObject({ aliases: 2 ** 60, rootFields: 2 ** 60, depth: 1 });
  expect(refusal(`{ ...F0 } ${chain(60, 'a: __typename', 'Query')}`)?.message).toBe('The operation has more than 10^15 aliases; the limit is 30');
  const lookups = measure(`{ carriers(first: 1) { edges { node { ...F0 } } } } ${chain(40, 'authority { name }', 'Carrier')}`);
  // carriers, edges and node 1 each; then one authority per copy
  expect(lookups.cost).toBe(3 + 2 ** 40);
  expect(code(`{ carriers(first: 1) { edges { node { ...F0 } } } } ${chain(40, 'authority { name }', 'Carrier')}`)).toBe('COST_LIMIT_EXCEEDED');
  // scalars only: no alias, no cost, but planning 2^40 copies would hold the gateway for good
  const scalars = measure(`{ carrier(id: "gb:hutchison-3g-uk-ltd") { ...F0 } } ${chain(40, 'id name', 'Carrier')}`);
  expect(scalars).toMatchObject({ aliases: 0, cost: 1, fields: 1 + 2 * 2 ** 40 });
  expect(code(`{ carrier(id: "gb:hutchison-3g-uk-ltd") { ...F0 } } ${chain(40, 'id name', 'Carrier')}`)).toBe('TOKEN_LIMIT_EXCEEDED');
  expect(refusal(`{ carrier(id: "gb:hutchison-3g-uk-ltd") { ...F0 } } ${chain(4, 'id name', 'Carrier')}`)).toBeNull();
});

it('weighs a list by the default of its variable when the request leaves it out, and by its own default when first is null', () => {
  const page = 'query($carriers: Int = 100, $blocks: Int = 100) { carriers(first: $carriers) { edges { node { blocks(first: $blocks) { edges { node { prefix } } } } } } }';
  expect(measure(page, {}).cost).toBe(measure(page, { carriers: 100, blocks: 100 }).cost);
  expect(code(page, {})).toBe('COST_LIMIT_EXCEEDED');
  // null asks for the list's default size (Query.carriers: 20, Carrier.blocks: 20)
  expect(measure('{ carriers(first: null) { edges { node { blocks(first: null) { edges { node { prefix } } } } } } }').cost).toBe(
    measure('{ carriers(first: 20) { edges { node { blocks(first: 20) { edges { node { prefix } } } } } } }').cost,
  );
});

it('refuses introspection beside other root fields, also when fragments at the root bring them together', () => {
  const refused = (query: string) => validate(schema, parse(query), [IntrospectionAloneRule])[0]?.extensions.code;
  expect(refused('{ __schema { queryType { name } } authority(id: "ofcom") { name } }')).toBe('BAD_USER_INPUT');
  expect(refused('{ ...Both } fragment Both on Query { __schema { queryType { name } } authority(id: "ofcom") { name } }')).toBe('BAD_USER_INPUT');
  expect(refused('{ ... on Query { __type(name: "Number") { name } } ...A } fragment A on Query { authority(id: "ofcom") { name } }')).toBe('BAD_USER_INPUT');
  expect(refused('{ __typename ...S } fragment S on Query { __schema { queryType { name } } }')).toBeUndefined();
  expect(refused('{ ...A } fragment A on Query { authority(id: "ofcom") { name } ...A }')).toBeUndefined();
});

it('lets the full standard introspection query through every default limit, and no other query gains depth', () => {
  const full = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true, directiveIsRepeatable: true, schemaDescription: true });
  expect(refusal(full)).toBeNull();
  // ofType chains add no depth; every other introspection level does
  expect(measure('{ __type(name: "Number") { fields { type { ofType { ofType { ofType { name } } } } } } }').depth).toBe(4);
  // a selection nested 13 deep through the graph's own fields is refused as before
  const deep = '{ carriers(first: 1) { edges { node { blocks(first: 1) { edges { node { carrier { blocks(first: 1) { edges { node { carrier { authority { name } } } } } } } } } } } } }';
  expect(measure(deep).depth).toBe(13);
  expect(code(deep)).toBe('DEPTH_LIMIT_EXCEEDED');
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
  expect(refusal(heavy, { e: numbers(10) })).toBeNull();
  expect(code(heavy, { e: numbers(500) })).toBe('COST_LIMIT_EXCEEDED');
});

it('refuses a document past the token limit by where the parser stopped, and leaves other syntax errors as they are', () => {
  const within = parseWithin(4);
  // { a b } is 4 tokens; comments are not tokens
  expect(within('{ a b } # the rest').definitions).toHaveLength(1);
  const refused = (source: string) => {
    try {
      within(source);
      return null;
    } catch (error) {
      return error as { message: string; extensions?: { code?: string } };
    }
  };
  expect(refused('{ a b c }')).toMatchObject({ message: 'The document has more than 4 tokens', extensions: { code: 'TOKEN_LIMIT_EXCEEDED' } });
  // a syntax error within the first 4 tokens is the parser's own, however long the document
  expect(refused('{ a ( } b c d e f g }')?.extensions?.code).toBeUndefined();
  expect(refused('{ a ( } b c d e f g }')?.message).toMatch(/^Syntax Error/);
  // an unterminated string at the 5th token is a lexing error, not the limit
  expect(refused('{ a b c "open')?.message).toMatch(/Unterminated string/);
});

it('holds every operation of the document to the limits, naming the one not run', () => {
  const document = `query Small { __typename } query Big { ${Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
  expect(refusal(document, {}, { operationName: 'Big' })?.message).toBe('The operation has 40 aliases; the limit is 30');
  expect(refusal(document, {}, { operationName: 'Small' })?.message).toBe('Operation Big of this document, though not the one run: The operation has 40 aliases; the limit is 30');
});

it('judges a document once per value of the variables its measures read, not on every request', () => {
  const plugin = useRequestLimits(DEFAULT_LIMITS, new Set(), { directives: pricing, spend: () => null });
  const onValidate = plugin.onValidate!;
  let reads = 0;
  const parsed = parse('query($n: Int, $note: String) { carriers(first: $n) { edges { node { name blocks(first: 100) { edges { node { prefix } } } } } } }');
  // counts every look at the document's definitions: measuring and validating both start there
  const document = new Proxy(parsed, { get: (target, key) => (key === 'definitions' && reads++, Reflect.get(target, key)) });
  const validate = (variables: Record<string, unknown>) => {
    try {
      onValidate({ params: { schema, documentAST: document }, context: { params: { variables } } } as Parameters<typeof onValidate>[0]);
      return null;
    } catch (error) {
      return (error as { extensions?: { code?: string } }).extensions?.code;
    }
  };
  expect(validate({ n: 1, note: 'a' })).toBeNull();
  const judged = reads;
  expect(judged).toBeGreaterThan(0);
  // $note is not read by the measures: another value of it is the same verdict
  expect(validate({ n: 1, note: 'b' })).toBeNull();
  expect(reads).toBe(judged);
  // another first is judged anew, and the refusal is not served to the first value again
  expect(validate({ n: 100 })).toBe('COST_LIMIT_EXCEEDED');
  expect(reads).toBeGreaterThan(judged);
  const again = reads;
  expect(validate({ n: 1 })).toBeNull();
  expect(reads).toBe(again);
});
