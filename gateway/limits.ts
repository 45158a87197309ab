/**
 * The request-shape limits as pure functions of a document (and the variables its measures
 * read): depth, aliases, root fields, estimated cost, provider calls, fields once spread, and
 * the planner workaround for introspection mixed with other root fields. The plugin that applies
 * them, once per cached document, is plugins/useRequestLimits.ts.
 */
import {
  GraphQLError,
  getNamedType,
  getNullableType,
  isListType,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  isIntrospectionType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { RequestLimits } from './settings.js';

/** Measures of one operation, as the limits count them. */
export interface OperationMeasures {
  depth: number;
  aliases: number;
  rootFields: number;
  cost: number;
  /** Fields once every fragment spread is written out (each spread counted). */
  fields: number;
  /** Provider calls the operation can cause: the `@cost` weights of the fields that call providers, times their lists. */
  upstream: number;
}

/** A refused document: 400 to a GraphQL-over-HTTP client, 200 to an application/json one (as validation errors). */
export function limitError(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400, spec: true } } });
}

/** Measures of a selection set, relative to it: fields directly in it are at depth 1, cost at multiplier 1. */
interface SetMeasures {
  depth: number;
  aliases: number;
  /** Fields at its own level (the operation's root fields, for the root selection set). */
  level: number;
  /** Fields at every level, every fragment spread written out. */
  fields: number;
  cost: number;
  upstream: number;
}

/**
 * Measures an operation: selection depth, aliases (`__typename` included), root fields, and
 * estimated cost: every field of object type costs 1, multiplied by the size of every list it
 * sits in, a list's size being its `first` (literal, variable, the variable's default, or the
 * argument's default) or `assumedListSize`. Fragments are followed, every spread counted; each
 * fragment is measured once, so that fragments spreading each other many times cannot make the
 * measuring itself exponential (a cycle is cut: validation reports it).
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  assumedListSize: number,
  weights: ReadonlyMap<string, number> = new Map(),
  reads?: Set<string>,
): OperationMeasures {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operations.find((o) => (operationName ? o.name?.value === operationName : true)) ?? operations[0];
  if (!operation) return { depth: 0, aliases: 0, rootFields: 0, cost: 0, fields: 0, upstream: 0 };
  const root = schema.getRootType(operation.operation);
  if (!root) return { depth: 0, aliases: 0, rootFields: 0, cost: 0, fields: 0, upstream: 0 };
  // a variable the request leaves out takes its default from the operation
  const values: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) values[definition.variable.name.value] = valueOf(definition.defaultValue, () => undefined);
  }
  Object.assign(values, variables ?? {});
  // which variables the measures depend on (`first`, list lengths): a cache keys on those alone
  const read = (name: string): unknown => {
    reads?.add(name);
    return values[name];
  };

  const listSize = (parent: GraphQLCompositeType, field: GraphQLField<unknown, unknown> | undefined, node: FieldNode): number => {
    const first = node.arguments?.find((a) => a.name.value === 'first');
    const declared = field?.args.find((a) => a.name === 'first');
    const asked = first ? valueOf(first.value, read) : undefined;
    // no first, or first: null: the list's default size
    const value = typeof asked === 'number' ? asked : declared?.defaultValue;
    if (typeof value === 'number' && Number.isFinite(value)) return Math.max(1, value);
    // a list looked up by a list of keys (lookupNumbers(e164s)) is as long as its keys
    const keys = declared ? undefined : node.arguments?.find((a) => field?.args.find((d) => d.name === a.name.value && isListType(getNullableType(d.type))));
    const length = keys ? lengthOf(keys.value, read) : undefined;
    if (length !== undefined && field && isListType(getNullableType(field.type))) return Math.max(1, length);
    // a Relay connection's edges are as many as its first, already counted on the connection
    if (parent.name.endsWith('Connection')) return 1;
    return declared || (field && isListType(getNullableType(field.type))) ? assumedListSize : 1;
  };

  const empty = (): SetMeasures => ({ depth: 0, aliases: 0, level: 0, fields: 0, cost: 0, upstream: 0 });
  const add = (into: SetMeasures, part: SetMeasures) => {
    into.depth = Math.max(into.depth, part.depth);
    into.aliases += part.aliases;
    into.level += part.level;
    into.fields += part.fields;
    into.cost += part.cost;
    into.upstream += part.upstream;
  };
  const measured = new Map<string, SetMeasures>();
  const measuring = new Set<string>();
  const fragment = (name: string): SetMeasures => {
    const known = measured.get(name);
    if (known) return known;
    const definition = fragments.get(name);
    if (!definition || measuring.has(name)) return empty();
    measuring.add(name);
    const type = schema.getType(definition.typeCondition.name.value);
    const result = measure(definition.selectionSet, type && isCompositeType(type) ? type : undefined);
    measuring.delete(name);
    measured.set(name, result);
    return result;
  };
  const measure = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType | undefined): SetMeasures => {
    const result = empty();
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        result.level += 1;
        result.fields += 1;
        if (selection.alias) result.aliases += 1;
        result.depth = Math.max(result.depth, 1);
        const field = parent && (isObjectType(parent) || isInterfaceType(parent)) ? fieldOf(parent, selection.name.value) : undefined;
        const type = field ? getNamedType(field.type) : undefined;
        // a field that calls providers weighs its @cost weight, in the cost and as upstream calls
        const weight = parent ? weights.get(`${parent.name}.${selection.name.value}`) : undefined;
        result.upstream += weight ?? 0;
        if (!selection.selectionSet) {
          result.cost += weight ?? 0;
          continue;
        }
        const inner = measure(selection.selectionSet, type && isCompositeType(type) ? type : undefined);
        // Introspection is answered from the gateway's own schema, never by a subgraph: its
        // fields cost nothing, and `__Type.ofType` (a chain of wrappers, one object a level, no
        // fan-out) adds no depth, so that the standard introspection query every tool sends
        // (15 levels, most of them ofType) fits. Validation's MaxIntrospectionDepthRule bounds
        // its fan-out (`fields` within `fields` within `fields` is refused).
        const introspection = parent !== undefined && isIntrospectionType(parent);
        const chained = introspection && parent.name === '__Type' && selection.name.value === 'ofType';
        result.depth = Math.max(result.depth, (chained ? 0 : 1) + inner.depth);
        result.aliases += inner.aliases;
        result.fields += inner.fields;
        // introspection answers from the gateway's own schema: it costs nothing and calls no provider
        if (introspection) continue;
        if (type && isCompositeType(type)) {
          const size = listSize(parent!, field, selection);
          result.cost += (weight ?? 1) + size * inner.cost;
          result.upstream += size * inner.upstream;
        } else {
          result.cost += inner.cost;
          result.upstream += inner.upstream;
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        add(result, measure(selection.selectionSet, type && isCompositeType(type) ? type : parent));
      } else {
        add(result, fragment(selection.name.value));
      }
    }
    return result;
  };
  const whole = measure(operation.selectionSet, root);
  return { depth: whole.depth, aliases: whole.aliases, rootFields: whole.level, cost: whole.cost, fields: whole.fields, upstream: whole.upstream };
}

/** A field of a type, the root's introspection fields (`__schema`, `__type`) included. */
function fieldOf(parent: GraphQLObjectType | GraphQLInterfaceType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === '__schema') return SchemaMetaFieldDef;
  if (name === '__type') return TypeMetaFieldDef;
  return parent.getFields()[name];
}

/** The length of a list argument, literal or from a variable; undefined when it is not a list. */
function lengthOf(node: ValueNode, variable: (name: string) => unknown): number | undefined {
  if (node.kind === Kind.LIST) return node.values.length;
  if (node.kind === Kind.VARIABLE) {
    const value = variable(node.name.value);
    return Array.isArray(value) ? value.length : undefined;
  }
  return undefined;
}

function valueOf(node: ValueNode, variable: (name: string) => unknown): unknown {
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.VARIABLE) return variable(node.name.value);
  if (node.kind === Kind.LIST) return node.values.map((value) => valueOf(value, variable));
  return undefined;
}

/** A measure as a message shows it: fragments spread many times can make it astronomic. */
const shown = (measure: number): string => (measure < 1e15 ? String(measure) : 'more than 10^15');

/** The first limit an operation exceeds, as the error the client gets; null when within them all. */
export function checkLimits(measures: OperationMeasures, limits: RequestLimits): GraphQLError | null {
  if (measures.depth > limits.depth) return limitError(`The operation is nested ${shown(measures.depth)} levels deep; the limit is ${limits.depth}`, 'DEPTH_LIMIT_EXCEEDED');
  if (measures.aliases > limits.aliases) return limitError(`The operation has ${shown(measures.aliases)} aliases; the limit is ${limits.aliases}`, 'ALIAS_LIMIT_EXCEEDED');
  if (measures.rootFields > limits.rootFields) return limitError(`The operation selects ${shown(measures.rootFields)} root fields; the limit is ${limits.rootFields}`, 'ROOT_FIELD_LIMIT_EXCEEDED');
  if (measures.cost > limits.cost) return limitError(`The operation's estimated cost is ${shown(measures.cost)}; the limit is ${limits.cost} (lists count by their first)`, 'COST_LIMIT_EXCEEDED');
  if (measures.upstream > limits.upstreamCalls) {
    return limitError(`The operation can cause ${shown(measures.upstream)} calls to providers (searches, live status, orders); the limit is ${limits.upstreamCalls}`, 'COST_LIMIT_EXCEEDED');
  }
  // fragments spread many times make a document far larger than its text: past what could be
  // written out within the token limit, planning it costs the gateway more than any client may ask
  if (measures.fields > limits.tokens) return limitError(`The operation has ${shown(measures.fields)} fields once its fragments are spread; the limit is ${limits.tokens}`, 'TOKEN_LIMIT_EXCEEDED');
  return null;
}

/** The first limit an operation of the document other than the one run exceeds, as the client's error. */
export function otherOperationsExceeding(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  limits: RequestLimits,
  weights: ReadonlyMap<string, number>,
): GraphQLError | null {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length < 2) return null;
  const run = operations.find((o) => (operationName ? o.name?.value === operationName : true)) ?? operations[0];
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  for (const operation of operations) {
    if (operation === run) continue;
    // measured alone with the fragments (anonymous ones too: validation would read them all)
    const alone: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] };
    const exceeded = checkLimits(measureOperation(schema, alone, null, null, limits.assumedListSize, weights), limits);
    if (exceeded) return limitError(`Operation ${operation.name?.value ?? '(anonymous)'} of this document, though not the one run: ${exceeded.message}`, String(exceeded.extensions.code));
  }
  return null;
}

/**
 * The Rust planner (@graphql-hive/router-runtime 1.4) answers an operation that asks for
 * `__schema` or `__type` beside other root fields with those fields silently null. Until it
 * does not, such an operation is refused with a message saying what to do, not answered wrong.
 */
export function mixesIntrospection(document: DocumentNode): GraphQLError | null {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // the root fields with the fragments and inline fragments at the root written out
  const rootNames = (selectionSet: SelectionSetNode, spread: Set<string>): string[] =>
    selectionSet.selections.flatMap((s) => {
      if (s.kind === Kind.FIELD) return [s.name.value];
      if (s.kind === Kind.INLINE_FRAGMENT) return rootNames(s.selectionSet, spread);
      const fragment = fragments.get(s.name.value);
      if (!fragment || spread.has(s.name.value)) return [];
      spread.add(s.name.value);
      return rootNames(fragment.selectionSet, spread);
    });
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const roots = rootNames(definition.selectionSet, new Set());
    const introspection = roots.some((name) => name === '__schema' || name === '__type');
    if (introspection && roots.some((name) => name !== '__schema' && name !== '__type' && name !== '__typename')) {
      return new GraphQLError('Ask for __schema or __type in an operation of their own, without other root fields', {
        extensions: { code: 'BAD_USER_INPUT', http: { status: 400, spec: true } },
      });
    }
  }
  return null;
}
