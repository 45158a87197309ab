/**
 * Plugin: the request-shape limits (gateway/limits.ts), enforced before validation (so a hostile
 * document cannot make validation itself expensive) and so before planning or any subgraph
 * fetch: the parser stops past `tokens`; depth, aliases, root fields, cost and provider calls
 * are measured on the parsed document, once per document the runtime keeps in its parse cache
 * (and per value of the variables the measures read, e.g. `first`), not on every request. The
 * contract's operations (`contract`: the project manifest's ids), however sent, are not held to
 * the cost limit: they are the public promise, answered for every `first` their fields accept
 * (InventoryLineage's 500 numbers cost 15,001), and were measured when they were written. Only
 * the spending of the caller's provider-call budget happens on every request.
 */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { checkLimits, limitError, measureOperation, mixesIntrospection, otherOperationsExceeding, type OperationMeasures } from '../limits.js';
import { normalizedBody, operationId } from '../operations/manifest.js';
import type { RequestLimits } from '../settings.js';

export interface UpstreamPricing {
  /** `@cost` weights by "Type.field" (upstream-cost.ts). */
  weights: ReadonlyMap<string, number>;
  /** Spends a request's upstream calls from its caller's budget: a refusal, or null. */
  spend(context: unknown, calls: number): GraphQLError | null;
}

/** Distinct variable values (of the variables the measures read) remembered per document and operation. */
const MAX_MEASURES_PER_OPERATION = 64;

/** What the limits found for one operation of a document: the variables its measures read, its measures by their values, and whether another operation of the document exceeds a limit. */
interface OperationVerdict {
  reads: string[];
  measures: Map<string, OperationMeasures>;
  others: GraphQLError | null | undefined;
}

/** What the limits found in one document; the runtime's parse cache keeps the document, so this is found once. */
interface DocumentVerdict {
  schema: GraphQLSchema;
  /** Introspection mixed with other root fields (the planner workaround). */
  refusedWhole: GraphQLError | null | undefined;
  contract: boolean | undefined;
  /** Per operation name: the variables its measures read, and the measures by their values. */
  operations: Map<string, OperationVerdict>;
}

export function useRequestLimits(limits: RequestLimits, contract: ReadonlySet<string> = new Set(), pricing?: UpstreamPricing): GatewayPlugin {
  const weights = pricing?.weights ?? new Map<string, number>();
  const verdicts = new WeakMap<DocumentNode, DocumentVerdict>();

  function measuresOf(verdict: DocumentVerdict, document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined): [OperationMeasures, OperationVerdict] {
    const name = operationName ?? '';
    let operation = verdict.operations.get(name);
    if (!operation) {
      const reads = new Set<string>();
      const measures = measureOperation(verdict.schema, document, operationName, variables, limits.assumedListSize, weights, reads);
      operation = { reads: [...reads], measures: new Map(), others: undefined };
      verdict.operations.set(name, operation);
      operation.measures.set(JSON.stringify(operation.reads.map((r) => variables?.[r])), measures);
      return [measures, operation];
    }
    const key = JSON.stringify(operation.reads.map((r) => variables?.[r]));
    let measures = operation.measures.get(key);
    if (!measures) {
      measures = measureOperation(verdict.schema, document, operationName, variables, limits.assumedListSize, weights);
      if (operation.measures.size >= MAX_MEASURES_PER_OPERATION) operation.measures.clear();
      operation.measures.set(key, measures);
    }
    return [measures, operation];
  }

  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) => {
        try {
          return parse(source, { ...options, maxTokens: limits.tokens });
        } catch (error) {
          if (error instanceof GraphQLError && /contains more th[a-z]+ \d+ tokens/.test(error.message)) {
            throw limitError(`The document has more than ${limits.tokens} tokens`, 'TOKEN_LIMIT_EXCEEDED');
          }
          throw error;
        }
      });
    },
    // Thrown, not set as the validation result: the runtime caches validation results by document
    // alone and its cache answers after this hook, so a result set here would be overridden by
    // the document's earlier result (another operation of it, other variables) or be served to
    // them later.
    onValidate({ params, context }) {
      const document = params.documentAST;
      let verdict = verdicts.get(document);
      if (!verdict || verdict.schema !== params.schema) {
        verdict = { schema: params.schema, refusedWhole: undefined, contract: undefined, operations: new Map() };
        verdicts.set(document, verdict);
      }
      const request = (context as { params?: { operationName?: string; variables?: Record<string, unknown> } }).params;
      const operationName = request?.operationName;
      const mixed = (verdict.refusedWhole ??= mixesIntrospection(document));
      if (mixed) throw mixed;
      const [measures, operation] = measuresOf(verdict, document, operationName, request?.variables);
      let exceeded = checkLimits(measures, limits);
      if (exceeded?.extensions.code === 'COST_LIMIT_EXCEEDED' && (verdict.contract ??= contract.has(operationId(normalizedBody(document))))) {
        exceeded = checkLimits({ ...measures, cost: 0, upstream: 0 }, limits);
      }
      // validation covers every operation of the document, not only the one run: each is held to
      // the limits (by its variables' defaults), so a tiny operation cannot carry a huge one past them
      exceeded ??= operation.others ??= otherOperationsExceeding(params.schema, document, operationName, limits, weights);
      // last: only a request that will run spends its caller's budget of provider calls
      exceeded ??= pricing?.spend(context, measures.upstream) ?? null;
      if (exceeded) throw exceeded;
    },
  };
}
