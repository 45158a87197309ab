/** Checks persisted operations against the API schema: which the supergraph cannot serve, the project's or a tenant's, and why. */
import { Supergraph } from '@apollo/federation-internals';
import { GraphQLError, Kind, parse, validate, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { operationId, type Manifest, type ManifestOperation } from './manifest.js';

/** Why an operation cannot be served by a schema, by the operation's name. */
export interface OperationRefusal {
  name: string;
  id: string;
  reason: string;
}

/**
 * The schema clients see through the gateway: the supergraph's API schema (no join__ or link
 * machinery, nothing `@inaccessible`), as Apollo's and Hive's routers derive it.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

/** At most this many validation messages per operation: enough to act on, short enough to read. */
const MAX_REASONS = 3;

/**
 * Whether `schema` can serve each operation: its body parses, holds exactly the one named
 * operation of the declared type (fragments aside), its id is the sha256 of its body, and it
 * validates. Returns one refusal per operation that fails, naming it and the reason.
 */
export function checkOperations(schema: GraphQLSchema, operations: readonly ManifestOperation[]): OperationRefusal[] {
  const refusals: OperationRefusal[] = [];
  for (const operation of operations) {
    const reason = refusalReason(schema, operation);
    if (reason) refusals.push({ name: operation.name, id: operation.id, reason });
  }
  return refusals;
}

function refusalReason(schema: GraphQLSchema, { id, name, type, body }: ManifestOperation): string | null {
  if (operationId(body) !== id) return `its id is not the sha256 of its body (that is ${operationId(body)})`;
  let document;
  try {
    document = parse(body, { noLocation: true, maxTokens: 50_000 });
  } catch (error) {
    return `its body does not parse: ${error instanceof GraphQLError ? error.message : String(error)}`;
  }
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) return `its body must hold exactly one operation (it holds ${operations.length})`;
  const [operation] = operations as [OperationDefinitionNode];
  if (operation.name?.value !== name) return `its body's operation is named ${operation.name ? operation.name.value : '(anonymous)'}, not ${name}`;
  if (operation.operation !== type) return `its body is a ${operation.operation}, not a ${type}`;
  const errors = validate(schema, document, undefined, { maxErrors: MAX_REASONS + 1 });
  if (errors.length === 0) return null;
  const shown = errors.slice(0, MAX_REASONS).map((e) => e.message);
  return `it does not validate against the supergraph: ${shown.join('; ')}${errors.length > MAX_REASONS ? '; …' : ''}`;
}

/**
 * What a new supergraph would break: every project operation (the contract) and every tenant's
 * registered one that it can no longer serve, one line each, naming the operation, whose it
 * is and why. Empty when it serves them all.
 */
export function brokenOperations(
  supergraphSdl: string,
  project: Manifest,
  registered: readonly { tenant: string; operation: ManifestOperation }[],
): string[] {
  const schema = apiSchemaOf(supergraphSdl);
  const lines = checkOperations(schema, project.operations).map((r) => `${r.name} (project manifest, schema/operations/): ${r.reason}`);
  for (const { tenant, operation } of registered) {
    for (const r of checkOperations(schema, [operation])) lines.push(`${r.name} (registered by tenant ${tenant}): ${r.reason}`);
  }
  return lines;
}
