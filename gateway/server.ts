import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { startStandaloneServer } from '@apollo/server/standalone';
import type { Logger } from '../subgraphs/shared/logger.js';
import { maskErrors } from '../subgraphs/shared/errors.js';
import { assertPortAvailable } from '../subgraphs/shared/port.js';

export interface GatewayOptions {
  /** The composed supergraph SDL (schema/supergraph.graphql). */
  supergraphSdl: string;
  /** How the gateway reaches a subgraph; default: over HTTP at the URL the supergraph names. */
  dataSource?: (subgraph: { name: string; url?: string }) => GraphQLDataSource;
  logger: Logger;
}

/** A subgraph over HTTP, through Node's fetch: connections are kept alive and reused. */
export function remoteSubgraph(url: string): GraphQLDataSource {
  return new RemoteGraphQLDataSource({ url, fetcher: fetch as unknown as RemoteGraphQLDataSource['fetcher'] });
}

/**
 * The edge: one Apollo Server over the federated gateway. It knows subgraphs only by name.
 * Not started: `listen` starts it behind HTTP (with connection draining on stop).
 */
export function createGatewayServer(options: GatewayOptions): ApolloServer {
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: options.dataSource ?? (({ url }) => remoteSubgraph(url ?? '')),
    logger: options.logger,
  });
  const server = new ApolloServer({
    gateway,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // The process owner (src/main.ts) drains on SIGTERM/SIGINT, then closes the databases.
    stopOnTerminationSignals: false,
    formatError: maskErrors(options.logger),
    // Apollo Sandbox is the landing page: analysts explore the schema there.
    plugins: [ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })],
    logger: options.logger,
  });
  return server;
}

/**
 * Serves the gateway over HTTP on `port` (0: any free port); resolves with its URL, rejects with
 * PortUnavailableError (the server not started) when the port is taken.
 */
export async function listen(server: ApolloServer, port: number, host = '0.0.0.0'): Promise<string> {
  await assertPortAvailable(port, host);
  const { url } = await startStandaloneServer(server, { listen: { port, host } });
  return url.replace('//0.0.0.0:', '//localhost:');
}
