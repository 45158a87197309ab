/** The demand-control directives of the supergraph (federation 2.9's `@cost` and `@listSize`), by "Type.field", for the limits to price operations with. */
import { COST_VERSIONS, Supergraph, costIdentity, isFieldDefinition, type DirectiveDefinition } from '@apollo/federation-internals';

/** A field's `@listSize`: how long the list it returns, or the lists it holds, are taken to be. */
export interface ListSize {
  /** The size when no slicing argument gives one. */
  assumedSize?: number;
  /** Int arguments whose value is the size (`first`). */
  slicingArguments: readonly string[];
  /** Lists on the returned type that the size applies to (a connection's `edges`); none: the field's own list. */
  sizedFields: readonly string[];
}

/** What the subgraphs declared about the cost of their fields. */
export interface CostDirectives {
  /** `@cost(weight:)` of each field that has one. */
  weights: ReadonlyMap<string, number>;
  /** `@listSize` of each field that has one. */
  listSizes: ReadonlyMap<string, ListSize>;
}

export const NO_COST_DIRECTIVES: CostDirectives = { weights: new Map(), listSizes: new Map() };

/**
 * Reads `@cost` and `@listSize` off the fields of a composed supergraph. Composition carries
 * them through the cost spec's `@link` (https://specs.apollo.dev/cost/v0.1), under whatever
 * names that link gives them (`@cost`, `@listSize` or `@cost__listSize`): the spec's own
 * definition resolves those names, so nothing here depends on how they are spelled.
 * `@cost` on types, arguments and input fields is not read: the subgraphs put it on fields only.
 */
export function costDirectivesOf(supergraphSdl: string): CostDirectives {
  const schema = Supergraph.build(supergraphSdl).schema;
  const feature = schema.coreFeatures?.getByIdentity(costIdentity);
  const spec = feature && COST_VERSIONS.find(feature.url.version);
  if (!spec) return NO_COST_DIRECTIVES;
  const weights = new Map<string, number>();
  for (const [coordinate, args] of fieldApplications(spec.costDirective(schema))) weights.set(coordinate, args.weight);
  const listSizes = new Map<string, ListSize>();
  for (const [coordinate, args] of fieldApplications(spec.listSizeDirective(schema))) {
    listSizes.set(coordinate, {
      ...(args.assumedSize === undefined || args.assumedSize === null ? {} : { assumedSize: args.assumedSize }),
      slicingArguments: args.slicingArguments ?? [],
      sizedFields: args.sizedFields ?? [],
    });
  }
  return { weights, listSizes };
}

/** The applications of a directive that sit on fields, by the field's "Type.field". */
function* fieldApplications<TArgs extends object>(definition: DirectiveDefinition<TArgs> | undefined): Generator<[string, TArgs]> {
  for (const application of definition?.applications() ?? []) {
    const parent = application.parent;
    if (isFieldDefinition(parent)) yield [parent.coordinate, application.arguments()];
  }
}
