/**
 * Plugin: the request-shape limits. The parser stops past `tokens`; the limit rules
 * (limit-rules.ts: depth, aliases, root fields, cost, provider calls, fields once spread) run
 * before the runtime's validation (so a hostile document cannot make validation itself
 * expensive) and so before planning or any subgraph fetch, once per document the runtime keeps
 * in its parse cache (and per value of the variables the measures read, e.g. `first`), not on
 * every request. The contract's operations (`contract`: the project manifest's ids), however
 * sent, are not held to the cost and provider-call limits: they are the public promise,
 * answered for every `first` their fields accept (InventoryLineage's 500 numbers cost 14,502),
 * and were measured when they were written. Only the spending of the caller's provider-call
 * budget happens on every request.
 */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError, Lexer, Source, TokenKind, parse, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { NO_COST_DIRECTIVES, type CostDirectives } from '../cost-directives.js';
import { firstLimitExceeded, limitError, requestLimitRules, type RuleMeasures } from '../limit-rules.js';
import { measureOperation, operationToRun, type OperationMeasures, type Pricing } from '../limits.js';
import { normalizedBody, operationId } from '../operations/manifest.js';
import type { RequestLimits } from '../settings.js';

export interface UpstreamPricing {
  /** `@cost` and `@listSize` of the supergraph (cost-directives.ts). */
  directives: CostDirectives;
  /** Spends a request's upstream calls from its caller's budget: a refusal, or null. */
  spend(context: unknown, calls: number): GraphQLError | null;
}

/** Distinct variable values (of the variables the measures read) remembered per document and operation. */
const MAX_VERDICTS_PER_OPERATION = 64;

/** What the limits found for the operation run: its measures and the first limit the document exceeds (null: none). */
interface Verdict {
  measures: OperationMeasures;
  exceeded: GraphQLError | null;
}

/** What the limits found for one operation run of a document: the variables its measures read, and the verdicts by their values. */
interface OperationVerdicts {
  reads: string[];
  byValues: Map<string, Verdict>;
}

/** What the limits found in one document; the runtime's parse cache keeps the document, so this is found once. */
interface DocumentVerdicts {
  schema: GraphQLSchema;
  contract: boolean | undefined;
  /** The operations not run, measured by their variables' defaults: the same whichever is run. */
  others: Map<OperationDefinitionNode, OperationMeasures>;
  /** Per operation name run. */
  operations: Map<string, OperationVerdicts>;
}

export function useRequestLimits(limits: RequestLimits, contract: ReadonlySet<string> = new Set(), pricing?: UpstreamPricing): GatewayPlugin {
  const prices: Pricing = { ...(pricing?.directives ?? NO_COST_DIRECTIVES), assumedListSize: limits.assumedListSize };
  const documents = new WeakMap<DocumentNode, DocumentVerdicts>();

  /** Runs the limit rules over the document for one operation and its variables. */
  function judge(document: DocumentNode, verdicts: DocumentVerdicts, run: OperationDefinitionNode | undefined, variables: Record<string, unknown> | undefined, reads?: Set<string>): Verdict {
    let measuresOfRun: OperationMeasures | undefined;
    const measures: RuleMeasures = {
      run,
      of(operation) {
        if (operation === run) return (measuresOfRun ??= measureOperation(verdicts.schema, document, run, variables, prices, reads));
        let other = verdicts.others.get(operation);
        if (!other) verdicts.others.set(operation, (other = measureOperation(verdicts.schema, document, operation, null, prices)));
        return other;
      },
    };
    const exempt = () => (verdicts.contract ??= contract.has(operationId(normalizedBody(document))));
    const exceeded = firstLimitExceeded(verdicts.schema, document, requestLimitRules(limits, measures, exempt));
    return { measures: run ? measures.of(run) : measureOperation(verdicts.schema, document, undefined, variables, prices), exceeded };
  }

  function verdictOf(verdicts: DocumentVerdicts, document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined): Verdict {
    const name = operationName ?? '';
    const operation = verdicts.operations.get(name);
    if (!operation) {
      const reads = new Set<string>();
      const verdict = judge(document, verdicts, operationToRun(document, operationName), variables, reads);
      const found: OperationVerdicts = { reads: [...reads], byValues: new Map() };
      verdicts.operations.set(name, found);
      found.byValues.set(JSON.stringify(found.reads.map((r) => variables?.[r])), verdict);
      return verdict;
    }
    const key = JSON.stringify(operation.reads.map((r) => variables?.[r]));
    let verdict = operation.byValues.get(key);
    if (!verdict) {
      verdict = judge(document, verdicts, operationToRun(document, operationName), variables);
      if (operation.byValues.size >= MAX_VERDICTS_PER_OPERATION) operation.byValues.clear();
      operation.byValues.set(key, verdict);
    }
    return verdict;
  }

  return {
    onParse({ setParseFn }) {
      setParseFn(parseWithin(limits.tokens));
    },
    // Thrown, not set as the validation result: the runtime caches validation results by document
    // alone and its cache answers after this hook, so a result set here would be overridden by
    // the document's earlier result (another operation of it, other variables) or be served to
    // them later.
    onValidate({ params, context }) {
      const document = params.documentAST;
      let verdicts = documents.get(document);
      if (!verdicts || verdicts.schema !== params.schema) {
        verdicts = { schema: params.schema, contract: undefined, others: new Map(), operations: new Map() };
        documents.set(document, verdicts);
      }
      const request = (context as { params?: { operationName?: string; variables?: Record<string, unknown> } }).params;
      const verdict = verdictOf(verdicts, document, request?.operationName, request?.variables);
      // last: only a request that will run spends its caller's budget of provider calls
      const exceeded = verdict.exceeded ?? pricing?.spend(context, verdict.measures.upstream) ?? null;
      if (exceeded) throw exceeded;
    },
  };
}

/** graphql-js's parse, refusing a document of more than `tokens` tokens with TOKEN_LIMIT_EXCEEDED. */
export function parseWithin(tokens: number): typeof parse {
  return (source, options) => {
    try {
      return parse(source, { ...options, maxTokens: tokens });
    } catch (error) {
      if (error instanceof GraphQLError && stoppedAtToken(source, tokens + 1, error)) {
        throw limitError(`The document has more than ${tokens} tokens`, 'TOKEN_LIMIT_EXCEEDED');
      }
      throw error;
    }
  };
}

/**
 * Whether the parser stopped at the `nth` token of `source`: its error sits where that token
 * starts. graphql-js refuses the token past `maxTokens` before looking at it, so an error there
 * is the token limit, told apart from a syntax error by its position, not its wording. Only
 * lexed on a failed parse.
 */
function stoppedAtToken(source: string | Source, nth: number, error: GraphQLError): boolean {
  const position = error.positions?.[0];
  if (position === undefined) return false;
  const lexer = new Lexer(typeof source === 'string' ? new Source(source) : source);
  try {
    for (let count = 1; count <= nth; count++) {
      const token = lexer.advance();
      if (token.kind === TokenKind.EOF) return false;
      if (count === nth) return token.start === position;
    }
  } catch (lexing) {
    // a lexing error before the nth token: a syntax error, not the limit
    if (!(lexing instanceof GraphQLError)) throw lexing;
  }
  return false;
}
