import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { GraphQLError } from 'graphql';
import { maskErrors } from './errors.js';
import type { Logger } from './logger.js';
import { SIGNED_SCOPE_HEADER, verifyScope } from './signed-scope.js';
import type { Subgraph } from './subgraph.js';

/**
 * A subgraph served over HTTP on its own: the distributed shape, behind the gateway. It serves
 * only requests carrying the gateway's signed scope (see signed-scope.ts): anything else is 401,
 * so a caller that reaches the service around the gateway gets nothing.
 */
export async function serveSubgraph(
  subgraph: Subgraph,
  logger: Logger,
  port: number,
  host: string,
  signingSecret: string,
): Promise<{ url: string; stop(): Promise<void> }> {
  const server = new ApolloServer({
    schema: subgraph.schema,
    formatError: maskErrors(logger),
    includeStacktraceInErrorResponses: false,
    // Only the gateway calls a subgraph, and it has the schema from the supergraph.
    introspection: false,
    // The process owner drains on signals, then closes the database.
    stopOnTerminationSignals: false,
    // no federated traces (timings per resolver) for whoever asks: the gateway does not
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port, host },
    context: async ({ req }) => {
      const header = req.headers[SIGNED_SCOPE_HEADER];
      const scope = verifyScope(Array.isArray(header) ? header[0] : header, signingSecret);
      if (!scope) {
        throw new GraphQLError('This service answers the gateway only: the request carries no valid gateway signature', {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
        });
      }
      return subgraph.createContext(scope);
    },
  });
  return { url, stop: () => server.stop() };
}
