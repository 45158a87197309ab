import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { postGraphQL, type GraphQLResult } from './http.js';
import { createLogger } from '../../subgraphs/shared/logger.js';
import { startEmbedded, type Embedded } from '../../src/embedded.js';
import type { ProvidersOptions } from '../../src/providers.js';

export interface TestGateway {
  url: string;
  embedded: Embedded;
  /** POSTs an operation to the gateway over HTTP, as a client would. */
  request<Data = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResult<Data>>;
  close(): Promise<void>;
}

/**
 * The embedded product on the imported plan, listening on a free loopback port. `env` adds to
 * the process environment (e.g. raised limits, NUMBERGRAPH_MODE=production). Providers are off
 * unless asked for: then the simulator starts on loopback and the catalogue syncs first.
 */
export async function startTestGateway(options: { providers?: ProvidersOptions; env?: Record<string, string | undefined> } = {}): Promise<TestGateway> {
  const snapshot = inject('pgliteSnapshot');
  const embedded = await startEmbedded({
    // tests share one key budget in development (no key): only a test of the rate limit sets one
    env: { ...process.env, RATE_LIMIT_REQUESTS: '1000000', ...options.env },
    logger: createLogger({ LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' }),
    providers: options.providers ?? { disabled: true },
    pgliteDir: null,
    ...(snapshot ? { pgliteSnapshot: new Blob([readFileSync(snapshot)]) } : {}),
    importPlan: 'never',
  });
  const url = await embedded.gateway.listen(0, '127.0.0.1');
  return {
    url,
    embedded,
    request: (query, variables, headers) => postGraphQL(url, query, variables, headers),
    close: () => embedded.close(),
  };
}

/** A contract operation as the project keeps it in schema/operations/. */
export function operation(name: string): string {
  return readFileSync(new URL(`../../schema/operations/${name}.graphql`, import.meta.url), 'utf8');
}
