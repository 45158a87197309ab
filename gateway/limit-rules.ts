/**
 * The request-shape limits as graphql-js validation rules, one a limit: depth, aliases, root
 * fields, estimated cost, provider calls, and fields once fragments are spread. Each reads the
 * measures of an operation (limits.ts) through `RuleMeasures`, which the caller caches, so that
 * a document already judged is not measured again. Every operation of the document is held to
 * them, not only the one run, as validation covers every operation: a tiny operation cannot
 * carry a huge one past them.
 */
import { GraphQLError, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type ValidationRule } from 'graphql';
import type { OperationMeasures } from './limits.js';
import type { RequestLimits } from './settings.js';

/** The measures the rules read. */
export interface RuleMeasures {
  /** Measures of an operation of the document being validated: the one run by the request's variables, another by its variables' defaults. */
  of(operation: OperationDefinitionNode): OperationMeasures;
  /** The operation the request runs; a refusal of another says which it is. */
  run: OperationDefinitionNode | undefined;
}

/** A refused document: 400 to a GraphQL-over-HTTP client, 200 to an application/json one (as validation errors). */
export function limitError(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400, spec: true } } });
}

/** A measure as a message shows it: fragments spread many times can make it astronomic. */
const shown = (measure: number): string => (measure < 1e15 ? String(measure) : 'more than 10^15');

interface Limit {
  measure: (measures: OperationMeasures) => number;
  code: string;
  message: (measure: string, limit: number) => string;
}

/**
 * A rule refusing every operation whose measure is over `limit`; `exempt`, asked only of an
 * operation over it, lets a document through all the same.
 */
function limitRule({ measure, code, message }: Limit, limit: number, measures: RuleMeasures, exempt?: () => boolean): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const value = measure(measures.of(operation));
      if (value > limit && !exempt?.()) {
        const said = message(shown(value), limit);
        const other = operation !== measures.run;
        context.reportError(limitError(other ? `Operation ${operation.name?.value ?? '(anonymous)'} of this document, though not the one run: ${said}` : said, code));
      }
      // the measures cover the whole operation: nothing inside it is for this rule
      return false;
    },
  });
}

const DEPTH: Limit = { measure: (m) => m.depth, code: 'DEPTH_LIMIT_EXCEEDED', message: (n, limit) => `The operation is nested ${n} levels deep; the limit is ${limit}` };
const ALIASES: Limit = { measure: (m) => m.aliases, code: 'ALIAS_LIMIT_EXCEEDED', message: (n, limit) => `The operation has ${n} aliases; the limit is ${limit}` };
const ROOT_FIELDS: Limit = { measure: (m) => m.rootFields, code: 'ROOT_FIELD_LIMIT_EXCEEDED', message: (n, limit) => `The operation selects ${n} root fields; the limit is ${limit}` };
const COST: Limit = {
  measure: (m) => m.cost,
  code: 'COST_LIMIT_EXCEEDED',
  message: (n, limit) => `The operation's estimated cost is ${n}; the limit is ${limit} (lists count by their @listSize: first, or the number of keys given)`,
};
const UPSTREAM_CALLS: Limit = {
  measure: (m) => m.upstream,
  code: 'COST_LIMIT_EXCEEDED',
  message: (n, limit) => `The operation can cause ${n} calls to providers (searches, live status, orders); the limit is ${limit}`,
};
// fragments spread many times make a document far larger than its text: past what could be
// written out within the token limit, planning it costs the gateway more than any client may ask
const SPREAD_FIELDS: Limit = { measure: (m) => m.fields, code: 'TOKEN_LIMIT_EXCEEDED', message: (n, limit) => `The operation has ${n} fields once its fragments are spread; the limit is ${limit}` };

export const depthLimitRule = (limit: number, measures: RuleMeasures): ValidationRule => limitRule(DEPTH, limit, measures);
export const aliasLimitRule = (limit: number, measures: RuleMeasures): ValidationRule => limitRule(ALIASES, limit, measures);
export const rootFieldLimitRule = (limit: number, measures: RuleMeasures): ValidationRule => limitRule(ROOT_FIELDS, limit, measures);
export const costLimitRule = (limit: number, measures: RuleMeasures, exempt?: () => boolean): ValidationRule => limitRule(COST, limit, measures, exempt);
export const upstreamCallLimitRule = (limit: number, measures: RuleMeasures, exempt?: () => boolean): ValidationRule => limitRule(UPSTREAM_CALLS, limit, measures, exempt);
export const spreadFieldLimitRule = (limit: number, measures: RuleMeasures): ValidationRule => limitRule(SPREAD_FIELDS, limit, measures);

/**
 * The rules of every limit, in the order a refusal names them. `costExempt` (asked only of a
 * document over the cost or provider-call limit) lets it through those two: the contract's
 * operations, answered for every `first` their fields accept.
 */
export function requestLimitRules(limits: RequestLimits, measures: RuleMeasures, costExempt?: () => boolean): ValidationRule[] {
  return [
    depthLimitRule(limits.depth, measures),
    aliasLimitRule(limits.aliases, measures),
    rootFieldLimitRule(limits.rootFields, measures),
    costLimitRule(limits.cost, measures, costExempt),
    upstreamCallLimitRule(limits.upstreamCalls, measures, costExempt),
    spreadFieldLimitRule(limits.tokens, measures),
  ];
}

/** The first limit the document exceeds, as the client's error; null when within them all. */
export function firstLimitExceeded(schema: GraphQLSchema, document: DocumentNode, rules: readonly ValidationRule[]): GraphQLError | null {
  // one refusal is enough: validation stops at the second
  return validate(schema, document, rules, { maxErrors: 1 })[0] ?? null;
}
