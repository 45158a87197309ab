/**
 * The measures of an operation the request limits read: depth, aliases, root fields, fields once
 * spread, estimated cost and provider calls, priced by the supergraph's `@cost` and `@listSize`
 * (cost-directives.ts). Pure functions of a document and the variables its measures read; the
 * rules that hold operations to the limits are limit-rules.ts, the plugin that applies them
 * plugins/useRequestLimits.ts.
 */
import {
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
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { CostDirectives, ListSize } from './cost-directives.js';

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
  /** Cost and provider calls of the fields the enclosing field's `@listSize(sizedFields:)` sizes, before that size multiplies them. */
  sizedCost: number;
  sizedUpstream: number;
}

/** What prices an operation: the supergraph's `@cost`/`@listSize` and the size of a list that declares none. */
export interface Pricing extends CostDirectives {
  /** The size of a list whose `@listSize` gives none (or that has no `@listSize`). */
  assumedListSize: number;
}

/** Measures of no operation at all. */
const NOTHING: OperationMeasures = { depth: 0, aliases: 0, rootFields: 0, cost: 0, fields: 0, upstream: 0 };

/** The operation a request runs: the one named, or the only one. */
export function operationToRun(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  return operations.find((o) => (operationName ? o.name?.value === operationName : true)) ?? operations[0];
}

/**
 * Measures an operation: selection depth, aliases (`__typename` included), root fields, and
 * estimated cost. Every field of object type costs its `@cost(weight:)`, 1 without one (a leaf
 * only its weight); a list multiplies what is selected in it by its size. The sizes come from
 * the supergraph's `@listSize`, not from names:
 * - `slicingArguments`: the size is the argument's value (literal, variable, the variable's
 *   default, or, when absent or null, the argument's default), the largest when several are given;
 * - `sizedFields`: the size applies to those lists of the returned type (a connection's `edges`,
 *   each edge counted), the rest of it (`pageInfo`, `totalCount`) counted once;
 * - without slicing arguments, a list field that takes a list argument (`lookupNumbers(e164s:)`)
 *   has one element per item given: a slicing argument must be an Int, so `@listSize` cannot say it;
 * - otherwise `assumedSize`, and for a list without `@listSize`, `assumedListSize`.
 * Fragments are followed, every spread counted; each fragment is measured once (per the sized
 * fields it is spread under), so that fragments spreading each other many times cannot make the
 * measuring itself exponential (a cycle is cut: validation reports it).
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode | undefined,
  variables: Record<string, unknown> | null | undefined,
  pricing: Pricing,
  reads?: Set<string>,
): OperationMeasures {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  if (!operation) return NOTHING;
  const root = schema.getRootType(operation.operation);
  if (!root) return NOTHING;
  // a variable the request leaves out takes its default from the operation
  const values: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) values[definition.variable.name.value] = valueOf(definition.defaultValue, () => undefined);
  }
  Object.assign(values, variables ?? {});
  // which variables the measures depend on (slicing arguments, list lengths): a cache keys on those alone
  const read = (name: string): unknown => {
    reads?.add(name);
    return values[name];
  };

  /** The size a field's `@listSize` gives it for this selection; undefined when it gives none. */
  const declaredSize = (declared: ListSize, field: GraphQLField<unknown, unknown>, node: FieldNode): number | undefined => {
    const sliced: number[] = [];
    for (const name of declared.slicingArguments) {
      const given = node.arguments?.find((a) => a.name.value === name);
      const asked = given ? valueOf(given.value, read) : undefined;
      // left out, or null: the argument's default size
      const value = typeof asked === 'number' ? asked : field.args.find((a) => a.name === name)?.defaultValue;
      if (typeof value === 'number' && Number.isFinite(value)) sliced.push(value);
    }
    if (sliced.length > 0) return Math.max(1, ...sliced);
    if (declared.slicingArguments.length === 0 && isListType(getNullableType(field.type))) {
      // looked up by a list of keys: as long as its keys
      const keys = node.arguments?.find((a) => field.args.some((d) => d.name === a.name.value && isListType(getNullableType(d.type))));
      const length = keys ? lengthOf(keys.value, read) : undefined;
      if (length !== undefined) return Math.max(1, length);
    }
    return declared.assumedSize;
  };

  const empty = (): SetMeasures => ({ depth: 0, aliases: 0, level: 0, fields: 0, cost: 0, upstream: 0, sizedCost: 0, sizedUpstream: 0 });
  const add = (into: SetMeasures, part: SetMeasures) => {
    into.depth = Math.max(into.depth, part.depth);
    into.aliases += part.aliases;
    into.level += part.level;
    into.fields += part.fields;
    into.cost += part.cost;
    into.upstream += part.upstream;
    into.sizedCost += part.sizedCost;
    into.sizedUpstream += part.sizedUpstream;
  };
  const measured = new Map<string, SetMeasures>();
  const measuring = new Set<string>();
  const fragment = (name: string, sized: readonly string[]): SetMeasures => {
    const key = `${name} ${sized.join(' ')}`;
    const known = measured.get(key);
    if (known) return known;
    const definition = fragments.get(name);
    if (!definition || measuring.has(key)) return empty();
    measuring.add(key);
    const type = schema.getType(definition.typeCondition.name.value);
    const result = measure(definition.selectionSet, type && isCompositeType(type) ? type : undefined, sized);
    measuring.delete(key);
    measured.set(key, result);
    return result;
  };
  /** `sized`: the fields of this set that the enclosing field's `@listSize(sizedFields:)` sizes; they go to sizedCost/sizedUpstream. */
  const measure = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType | undefined, sized: readonly string[]): SetMeasures => {
    const result = empty();
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        result.level += 1;
        result.fields += 1;
        if (selection.alias) result.aliases += 1;
        result.depth = Math.max(result.depth, 1);
        const name = selection.name.value;
        const field = parent && (isObjectType(parent) || isInterfaceType(parent)) ? fieldOf(parent, name) : undefined;
        const type = field ? getNamedType(field.type) : undefined;
        const coordinate = parent ? `${parent.name}.${name}` : '';
        // a field that calls providers weighs its @cost weight, in the cost and as upstream calls
        const weight = pricing.weights.get(coordinate);
        // sized by the enclosing field: its size multiplies this field, each element counted
        const isSized = sized.includes(name);
        let cost = weight ?? 0;
        let upstream = weight ?? 0;
        if (selection.selectionSet) {
          const declared = pricing.listSizes.get(coordinate);
          const inner = measure(selection.selectionSet, type && isCompositeType(type) ? type : undefined, declared?.sizedFields ?? []);
          // Introspection is answered from the gateway's own schema, never by a subgraph: its
          // fields cost nothing, and `__Type.ofType` (a chain of wrappers, one object a level, no
          // fan-out) adds no depth, so that the standard introspection query every tool sends
          // (15 levels, most of them ofType) fits. Validation's MaxIntrospectionDepthRule bounds
          // its fan-out (`fields` within `fields` within `fields` is refused).
          const introspection = parent !== undefined && isIntrospectionType(parent);
          const chained = introspection && parent.name === '__Type' && name === 'ofType';
          result.depth = Math.max(result.depth, (chained ? 0 : 1) + inner.depth);
          result.aliases += inner.aliases;
          result.fields += inner.fields;
          // introspection answers from the gateway's own schema: it costs nothing and calls no provider
          if (introspection) continue;
          if (type && isCompositeType(type) && field) {
            const size = declared ? declaredSize(declared, field, selection) : undefined;
            if (declared && declared.sizedFields.length > 0) {
              const each = size ?? pricing.assumedListSize;
              cost = (weight ?? 1) + inner.cost + each * inner.sizedCost;
              upstream += inner.upstream + each * inner.sizedUpstream;
            } else {
              // a list's own size; 1 for a list sized by the enclosing field, which multiplies it
              const own = isSized || !isListType(getNullableType(field.type)) ? 1 : (size ?? pricing.assumedListSize);
              cost = (weight ?? 1) + own * inner.cost;
              upstream += own * inner.upstream;
            }
          } else {
            cost = inner.cost;
            upstream += inner.upstream;
          }
        }
        if (isSized) {
          result.sizedCost += cost;
          result.sizedUpstream += upstream;
        } else {
          result.cost += cost;
          result.upstream += upstream;
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        add(result, measure(selection.selectionSet, type && isCompositeType(type) ? type : parent, sized));
      } else {
        add(result, fragment(selection.name.value, sized));
      }
    }
    return result;
  };
  const whole = measure(operation.selectionSet, root, []);
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
