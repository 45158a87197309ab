/** Subgraph errors: BAD_USER_INPUT, quoted input cut short, client codes kept, everything else masked and logged. */
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '../platform/logger.js';

/** Input the client can correct. The message says what was wrong with it. */
export function badUserInput(message: string, argument?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'BAD_USER_INPUT', ...(argument ? { argumentName: argument } : {}) },
  });
}

/** The most characters of a client's input an error message quotes back. */
export const QUOTED_INPUT_MAX = 40;

/**
 * Client input as an error message quotes it: cut to QUOTED_INPUT_MAX characters, because one
 * huge variable used by thousands of aliased fields would otherwise come back once per field
 * (a 1 MB string in 2,000 aliases: a 2 GB response).
 */
export function quotedInput(text: string): string {
  return text.length > QUOTED_INPUT_MAX ? `${text.slice(0, QUOTED_INPUT_MAX)}… (${text.length} characters)` : text;
}

/** Errors whose message is written for the client; anything else is masked. */
const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_NOT_IN_LIST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'DEPTH_LIMIT_EXCEEDED',
  'ALIAS_LIMIT_EXCEEDED',
  'TOKEN_LIMIT_EXCEEDED',
  'ROOT_FIELD_LIMIT_EXCEEDED',
  'COST_LIMIT_EXCEEDED',
  'BODY_TOO_LARGE',
  'BATCHING_NOT_SUPPORTED',
  'INTROSPECTION_DISABLED',
  'SUBGRAPH_TIMEOUT',
  'SUBGRAPH_UNAVAILABLE',
  // an upstream provider (named by its public id) failed or timed out for one field
  'PROVIDER_UNAVAILABLE',
]);

/** Whether an error with this code carries a message written for the client. */
export function isClientCode(code: unknown): boolean {
  return typeof code === 'string' && CLIENT_CODES.has(code);
}

/**
 * The same masking for a subgraph run in the gateway's process (no HTTP server to format its
 * errors): client errors keep their message and code, anything else becomes INTERNAL_SERVER_ERROR
 * and goes to the log.
 */
export function maskSubgraphError(error: GraphQLError, logger: Logger): GraphQLError {
  const code = error.extensions?.code;
  if (isClientCode(code)) return error;
  logger.error({ err: unwrapResolverError(error), path: error.path }, 'internal error masked');
  return new GraphQLError('Internal server error', { path: error.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

/**
 * Masks internal errors: a client sees a code and a generic message, never SQL, a stack or a
 * subgraph's address. The original goes to the log (null: the caller logs it, with the request).
 */
export function maskErrors(logger: Logger | null) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = typeof formatted.extensions?.code === 'string' ? formatted.extensions.code : 'INTERNAL_SERVER_ERROR';
    if (CLIENT_CODES.has(code)) {
      const { serviceName: _serviceName, exception: _exception, stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    logger?.error({ err: unwrapResolverError(error), path: formatted.path, extensions: formatted.extensions }, 'internal error masked');
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
