/**
 * The one way a subgraph tells a client an upstream provider failed (README "Errors"): the
 * wording of each kind of failure, and the PROVIDER_UNAVAILABLE GraphQL error that carries it.
 */
import { GraphQLError } from 'graphql';
import { ProviderError } from '../providers/client/index.js';

/** Whether `error` is a provider's failure (anything else is a programming error: let it surface). */
export const isProviderFailure = (error: unknown): error is ProviderError => error instanceof ProviderError;

/**
 * What a provider did, in words a client may read after the provider's id: the kind of failure,
 * never the provider's own error text, addresses or bodies (upstream internals it controls).
 */
export function providerFailure(error: ProviderError): string {
  switch (error.kind) {
    case 'timeout':
      return 'did not answer in time';
    case 'unavailable':
      return `is unavailable (HTTP ${error.httpStatus ?? 503})`;
    case 'network':
      return 'could not be reached';
    case 'malformed':
      return 'answered in a form its API does not allow';
    case 'rejected':
      return error.httpStatus === null ? 'is not in the directory' : `refused the call (HTTP ${error.httpStatus}${error.code !== null && /^[a-z_]{1,40}$/.test(error.code) ? ` ${error.code}` : ''})`;
    case 'circuit_open':
      return 'is failing: calls to it are paused for a moment';
    case 'overloaded':
      return 'has too many calls waiting';
  }
}

/** "p-gb-1 did not answer in time": the sentence every payload entry and error message uses. */
export const providerFailureMessage = (error: ProviderError): string => `${error.providerId} ${providerFailure(error)}`;

/**
 * The GraphQL error of a field whose value a provider could not give: code PROVIDER_UNAVAILABLE,
 * `provider` (its public id) and `reason` (the failure's kind) in extensions. The field answers
 * null and the rest of the operation is served (partial data).
 */
export function providerUnavailable(error: ProviderError, what?: string): GraphQLError {
  return new GraphQLError(`${providerFailureMessage(error)}${what ? `: ${what} unavailable` : ''}`, {
    extensions: { code: 'PROVIDER_UNAVAILABLE', provider: error.providerId, reason: error.kind },
    originalError: error,
  });
}

/** Runs a provider call for a field: its failure becomes the field's PROVIDER_UNAVAILABLE error; any other error goes on as it is. */
export async function fromProvider<T>(call: () => Promise<T>, what?: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isProviderFailure(error)) throw providerUnavailable(error, what);
    throw error;
  }
}
