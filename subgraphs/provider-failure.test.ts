/** The one provider-failure shape: its wording, its GraphQL error, and that only provider failures take it. */
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../providers/client/index.js';
import { fromProvider, providerFailureMessage, providerUnavailable } from './provider-failure.js';

describe('provider failures', () => {
  it('word each kind of failure after the provider, never with the provider\'s own text', () => {
    const failed = (kind: ConstructorParameters<typeof ProviderError>[2], status: number | null = null, code: string | null = null) => new ProviderError('p-gb-1', 'status', kind, 'upstream says <secret detail>', status, code);
    expect(providerFailureMessage(failed('timeout'))).toBe('p-gb-1 did not answer in time');
    expect(providerFailureMessage(failed('unavailable', 502))).toBe('p-gb-1 is unavailable (HTTP 502)');
    expect(providerFailureMessage(failed('malformed', 200))).toBe('p-gb-1 answered in a form its API does not allow');
    expect(providerFailureMessage(failed('rejected', 400, 'batch_too_large'))).toBe('p-gb-1 refused the call (HTTP 400 batch_too_large)');
    expect(providerFailureMessage(failed('rejected', 400, 'Not A Code <script>'))).toBe('p-gb-1 refused the call (HTTP 400)');
    expect(providerFailureMessage(failed('circuit_open'))).toBe('p-gb-1 is failing: calls to it are paused for a moment');
  });

  it('become a PROVIDER_UNAVAILABLE error naming the provider and the reason for the field', async () => {
    const error = providerUnavailable(new ProviderError('p-gb-1', 'status', 'timeout', 'no answer'), 'live status');
    expect(error.message).toBe('p-gb-1 did not answer in time: live status unavailable');
    expect(error.extensions).toEqual({ code: 'PROVIDER_UNAVAILABLE', provider: 'p-gb-1', reason: 'timeout' });
    await expect(fromProvider(() => Promise.reject(new ProviderError('p-de-2', 'compliance', 'network', 'ECONNRESET')))).rejects.toMatchObject({ extensions: { code: 'PROVIDER_UNAVAILABLE', provider: 'p-de-2', reason: 'network' } });
  });

  it('leave any other error as it is: a bug surfaces, it is not reported as a provider being down', async () => {
    const bug = new TypeError("Cannot read properties of null (reading 'reserve')");
    await expect(fromProvider(() => Promise.reject(bug))).rejects.toBe(bug);
    expect(await fromProvider(async () => 42)).toBe(42);
  });
});
