/** What clients see of errors: known codes and messages, never stacks, SQL or subgraph names; the plugin and mask applying it. */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError } from 'graphql';
import { isClientCode } from '../contracts/errors.js';
import type { Logger } from '../platform/logger.js';
import { scopeOfRequest } from './scope.js';

/** Codes the runtime gives upstream failures, as the client sees them: no subgraph named. */
const UPSTREAM_CODES: Record<string, { code: string; message: string }> = {
  GATEWAY_TIMEOUT: { code: 'SUBGRAPH_TIMEOUT', message: 'Part of the answer took too long and was left out' },
  // the whole request's deadline (gateway/deadline.ts, REQUEST_TIMEOUT_MS)
  REQUEST_TIMEOUT: { code: 'REQUEST_TIMEOUT', message: 'The request took too long and was stopped; try again, or ask for less' },
  DOWNSTREAM_SERVICE_ERROR: { code: 'SUBGRAPH_UNAVAILABLE', message: 'Part of the answer is unavailable right now' },
  // the subgraph service could not be reached (refused, reset) or did not answer GraphQL (a proxy's 502 page)
  SUBREQUEST_HTTP_ERROR: { code: 'SUBGRAPH_UNAVAILABLE', message: 'Part of the answer is unavailable right now' },
  RESPONSE_VALIDATION_FAILED: { code: 'SUBGRAPH_UNAVAILABLE', message: 'Part of the answer is unavailable right now' },
};

/** Codes for the HTTP layer's refusals, which carry a status and no code. */
const HTTP_CODES: Record<number, string> = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED', 413: 'BODY_TOO_LARGE' };

/** Extensions a client may see beside `code`. */
const PUBLIC_EXTENSIONS = ['argumentName'];
/** And those of one code, where it is the client's: which provider failed and how (subgraphs/provider-failure.ts). */
const CODE_EXTENSIONS: Record<string, readonly string[]> = { PROVIDER_UNAVAILABLE: ['provider', 'reason'] };

const SUGGESTION = /\s*Did you mean .*\?$/;

/**
 * What a client sees of an error: its message when written for clients (a known code), else a
 * generic message; always a code; never a stack, SQL, a subgraph's name or URL, or an upstream
 * request or body. Outside development, no field suggestions (they map the schema for a
 * caller who may not introspect). The original goes to the log with the request id.
 */
export interface PublicErrorOptions {
  development: boolean;
  logger: Logger;
  /** Called with the code of every error a client gets (metrics). */
  count?: (code: string) => void;
}

export function publicError(error: GraphQLError, options: PublicErrorOptions): GraphQLError {
  const extensions = (error.extensions ?? {}) as Record<string, unknown>;
  const rawCode = typeof extensions.code === 'string' ? extensions.code : undefined;
  const upstream = rawCode ? UPSTREAM_CODES[rawCode] : undefined;
  const kept: Record<string, unknown> = {};
  for (const name of PUBLIC_EXTENSIONS) if (extensions[name] !== undefined) kept[name] = extensions[name];
  if (extensions.http !== undefined) kept.http = extensions.http;
  let message: string;
  let code: string;
  const status = (extensions.http as { status?: number } | undefined)?.status;
  if (!rawCode && status && status >= 400 && status < 500) {
    // the HTTP layer's own refusals (CSRF, malformed requests): written for the client
    message = error.message;
    code = HTTP_CODES[status] ?? 'BAD_REQUEST';
  } else if (upstream) {
    options.logger.warn({ err: error, path: error.path, code: rawCode, subgraph: extensions.serviceName }, 'subgraph fetch failed');
    ({ message, code } = upstream);
    delete kept.http;
  } else if (isClientCode(rawCode)) {
    code = rawCode!;
    for (const name of CODE_EXTENSIONS[code] ?? []) if (typeof extensions[name] === 'string') kept[name] = extensions[name];
    message = options.development ? error.message : error.message.replace(SUGGESTION, '');
  } else {
    options.logger.error({ err: error.originalError ?? error, path: error.path, code: rawCode }, 'internal error masked');
    message = 'Internal server error';
    code = 'INTERNAL_SERVER_ERROR';
    delete kept.http;
  }
  options.count?.(code);
  return new GraphQLError(message, {
    ...(error.path ? { path: error.path } : {}),
    ...(error.nodes ? { nodes: error.nodes } : {}),
    ...(error.source && error.positions ? { source: error.source, positions: error.positions } : {}),
    extensions: { ...kept, code },
  });
}

/** Validation and parse errors carry GRAPHQL_* codes in Yoga only once formatted: name them here. */
function withCode(error: GraphQLError): GraphQLError {
  if (error.extensions?.code) return error;
  const code = /^Syntax Error/.test(error.message) ? 'GRAPHQL_PARSE_FAILED' : error.path ? undefined : error.nodes ? 'GRAPHQL_VALIDATION_FAILED' : undefined;
  if (!code) return error;
  return new GraphQLError(error.message, { nodes: error.nodes ?? null, source: error.source ?? null, positions: error.positions ?? null, path: error.path ?? null, originalError: error.originalError ?? null, extensions: { ...error.extensions, code } });
}

/** Applies `publicError` to every error of every result, the subgraphs' included. */
export function usePublicErrors(options: PublicErrorOptions): GatewayPlugin {
  const clean = (errors: readonly GraphQLError[] | undefined, logger: Logger) =>
    errors?.map((e) => publicError(withCode(e instanceof GraphQLError ? e : new GraphQLError(String((e as Error)?.message ?? e))), { ...options, logger }));
  return {
    onExecutionResult({ result, setResult, context }) {
      if (!result || Symbol.asyncIterator in result) return;
      if (!result.errors?.length) return;
      const requestId = scopeOfRequest((context as { request: Request }).request)?.requestId;
      setResult({ ...result, errors: clean(result.errors, requestId ? options.logger.child({ requestId }) : options.logger) });
    },
  };
}

/** Yoga's hook for errors raised outside execution (parse, validation, edge checks). */
export function maskError(options: PublicErrorOptions) {
  return (error: unknown): Error => {
    const graphqlError = error instanceof GraphQLError ? error : new GraphQLError('Internal server error', { originalError: error instanceof Error ? error : null });
    return publicError(withCode(graphqlError), options);
  };
}
