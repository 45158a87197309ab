/** What went wrong with a call to a provider, in terms the caller can act on. */
export type ProviderErrorKind =
  /** The provider answered 5xx (down, overloaded, injected failure). */
  | 'unavailable'
  /** No answer within the per-call timeout. */
  | 'timeout'
  /** Connection refused or reset. */
  | 'network'
  /** A 2xx answer whose body is not what the API says (not JSON, or a field of the wrong shape): the provider is broken. */
  | 'malformed'
  /** The provider refused the request (4xx): our input, not its health. */
  | 'rejected'
  /** The circuit breaker is open after repeated failures: no call was made. */
  | 'circuit_open'
  /** Too many calls queued for this provider: no call was made. */
  | 'overloaded';

export class ProviderError extends Error {
  override name = 'ProviderError';
  constructor(
    readonly providerId: string,
    readonly operation: string,
    readonly kind: ProviderErrorKind,
    message: string,
    /** HTTP status and the provider's error code, when it answered. */
    readonly httpStatus: number | null = null,
    readonly code: string | null = null,
  ) {
    super(`${providerId} ${operation}: ${message}`);
  }

  /** Failures that say the provider is unwell: they trip the breaker and reads retry them. */
  get transient(): boolean {
    return this.kind === 'unavailable' || this.kind === 'timeout' || this.kind === 'network' || this.kind === 'malformed';
  }
}
