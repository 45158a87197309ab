/** The provider client: what the inventory subgraph imports. */
export type { ProviderClient } from './client.js';
export { ProviderDirectory, MAX_PROVIDERS } from './directory.js';
export { ProviderError, type ProviderErrorKind } from './errors.js';
export { ApiHealthRecorder, type ApiHealth, type CallOutcome, type CallRecord, type HealthWindow, type ProviderOperation } from './health.js';
export { DEFAULT_CLIENT_POLICY, HttpProviderClient, resolvePolicy, type ClientPolicy, type ClientPolicyOverrides } from './http.js';
