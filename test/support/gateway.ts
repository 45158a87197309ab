import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { listen } from '../../gateway/server.js';
import { createLogger } from '../../subgraphs/shared/logger.js';
import { startEmbedded, type Embedded } from '../../src/embedded.js';

export interface GraphQLResult<Data = Record<string, any>> {
  data?: Data | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestGateway {
  url: string;
  embedded: Embedded;
  /** POSTs an operation to the gateway over HTTP, as a client would. */
  request<Data = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<Data>>;
  close(): Promise<void>;
}

/** POSTs an operation to a GraphQL endpoint as a browser client would (CSRF preflight header). */
export async function postGraphQL<Data = Record<string, any>>(url: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<Data>> {
  return (await postGraphQLRaw(url, query, variables).then((r) => r.json())) as GraphQLResult<Data>;
}

export function postGraphQLRaw(url: string, query: string, variables?: Record<string, unknown>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true' },
    body: JSON.stringify({ query, variables }),
  });
}

/** The embedded product on the imported plan, listening on a free loopback port. */
export async function startTestGateway(): Promise<TestGateway> {
  const snapshot = inject('pgliteSnapshot');
  const embedded = await startEmbedded({
    env: process.env,
    logger: createLogger({ LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' }),
    pgliteDir: null,
    ...(snapshot ? { pgliteSnapshot: new Blob([readFileSync(snapshot)]) } : {}),
    importPlan: 'never',
  });
  const url = await listen(embedded.server, 0, '127.0.0.1');
  return {
    url,
    embedded,
    request: (query, variables) => postGraphQL(url, query, variables),
    close: () => embedded.close(),
  };
}

/** A contract operation as the project keeps it in schema/operations/. */
export function operation(name: string): string {
  return readFileSync(new URL(`../../schema/operations/${name}.graphql`, import.meta.url), 'utf8');
}
