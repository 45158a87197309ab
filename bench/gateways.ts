/**
 * Stock `@apollo/gateway` + Apollo Server against the project's gateway (Hive Gateway runtime,
 * Rust planner, with every edge plugin on), over the same in-process subgraphs: requests per
 * second under concurrent load (rounds alternate, so drift hits both), and subgraph fetches for
 * one request of 20 aliased numbers. Kept out of the product: @apollo/gateway is a devDependency.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway, type GraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { graphql } from 'graphql';
import { inProcessTransport } from '../gateway/in-process.js';
import { SCOPE_KEY } from '../gateway/scope.js';
import { createLogger } from '../platform/logger.js';
import { DEVELOPMENT_ANALYST } from '../contracts/identity.js';
import { SCHEMA_DIR, type Subgraph } from '../subgraphs/subgraph.js';
import { postGraphQL } from '../test/support/http.js';

class InProcessDataSource implements GraphQLDataSource {
  constructor(private readonly subgraph: Subgraph) {}

  async process({ request }: GraphQLDataSourceProcessOptions): ReturnType<GraphQLDataSource['process']> {
    const result = await graphql({
      schema: this.subgraph.schema,
      source: request.query ?? '',
      variableValues: request.variables,
      operationName: request.operationName,
      contextValue: this.subgraph.createContext({ identity: DEVELOPMENT_ANALYST, requestId: 'bench' }),
    });
    return result as Awaited<ReturnType<GraphQLDataSource['process']>>;
  }
}

/** Stock @apollo/gateway over the subgraphs, listening on a free loopback port. */
export async function startApolloGateway(subgraphs: Record<string, Subgraph>): Promise<{ url: string; stop(): Promise<void> }> {
  const server = new ApolloServer({
    gateway: new ApolloGateway({
      supergraphSdl: readFileSync(`${SCHEMA_DIR}supergraph.graphql`, 'utf8'),
      buildService: ({ name }) => new InProcessDataSource(subgraphs[name]!),
    }),
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, stop: () => server.stop() };
}

/** Requests per second for `seconds`, `concurrency` clients each sending the next request when one answers. */
export async function requestsPerSecond(url: string, query: string, variables: Record<string, unknown>, concurrency: number, seconds: number): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const body = await postGraphQL(url, query, variables);
        if (body.errors) throw new Error(`errors under load: ${JSON.stringify(body.errors)}`);
        done += 1;
      }
    }),
  );
  return done / seconds;
}

/** Subgraph fetches one request makes: every fetch (either gateway) builds one subgraph context. */
export async function countFetches(subgraphs: Record<string, Subgraph>, run: () => Promise<unknown>): Promise<number> {
  let fetches = 0;
  const originals = Object.values(subgraphs).map((subgraph) => {
    const create = subgraph.createContext;
    subgraph.createContext = (scope) => {
      fetches += 1;
      return create(scope);
    };
    return () => (subgraph.createContext = create);
  });
  try {
    await run();
  } finally {
    originals.forEach((restore) => restore());
  }
  return fetches;
}

/**
 * The runtime with the Rust planner and nothing of the edge (no keys, limits, metrics, masking):
 * what the edge's plugins cost, measured against the product's gateway.
 */
const withScope: GatewayPlugin = {
  onContextBuilding: ({ extendContext }) => extendContext({ [SCOPE_KEY]: { identity: DEVELOPMENT_ANALYST, requestId: 'bench' } } as never),
};

export async function startBareRuntime(subgraphs: Record<string, Subgraph>): Promise<{ url: string; stop(): Promise<void> }> {
  const runtime = createGatewayRuntime({
    supergraph: readFileSync(`${SCHEMA_DIR}supergraph.graphql`, 'utf8'),
    unifiedGraphHandler,
    logging: false,
    graphqlEndpoint: '/',
    transports: () => inProcessTransport(subgraphs, createLogger({ LOG_LEVEL: 'warn' })),
    plugins: () => [withScope],
  });
  const server = createServer(runtime);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await runtime.dispose();
    },
  };
}
