/** A subgraph served over HTTP on its own (the distributed shape), answering only requests with the gateway's signed scope. */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { isClientCode, maskErrors } from '../contracts/errors.js';
import type { RequestScope } from '../contracts/identity.js';
import type { Logger } from './logger.js';
import { assertPortAvailable } from './port.js';
import { replayGuard, SIGNED_SCOPE_HEADER, verifyScope, type SignedRequest } from '../contracts/signed-scope.js';

/**
 * A subgraph served over HTTP on its own: the distributed shape, behind the gateway. It serves
 * only requests carrying the gateway's signed scope (see signed-scope.ts): anything else is 401,
 * so a caller that reaches the service around the gateway gets nothing.
 */
/** What serving needs of a subgraph (subgraphs/subgraph.ts builds it): its name, schema and per-request context. */
export interface ServedSubgraph {
  name: string;
  schema: GraphQLSchema;
  createContext(scope: RequestScope): object;
}

export async function serveSubgraph(
  subgraph: ServedSubgraph,
  logger: Logger,
  port: number,
  host: string,
  signingSecret: string,
): Promise<{ url: string; stop(): Promise<void> }> {
  const replays = replayGuard();
  // each request's scope by its context: the error log names the gateway's request id
  const scopes = new WeakMap<object, RequestScope>();
  const logErrors: ApolloServerPlugin<object> = {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          const requestId = scopes.get(contextValue)?.requestId;
          for (const error of errors) {
            if (isClientCode(error.extensions?.code)) continue;
            logger.error({ err: unwrapResolverError(error), path: error.path, requestId, subgraph: subgraph.name }, 'internal error masked');
          }
        },
      };
    },
  };
  const server = new ApolloServer<object>({
    schema: subgraph.schema,
    formatError: maskErrors(null),
    includeStacktraceInErrorResponses: false,
    // Only the gateway calls a subgraph, and it has the schema from the supergraph.
    introspection: false,
    // The process owner drains on signals, then closes the database.
    stopOnTerminationSignals: false,
    // no federated traces (timings per resolver) for whoever asks: the gateway does not
    plugins: [ApolloServerPluginInlineTraceDisabled(), logErrors],
  });
  // Apollo's standalone server listens with no 'error' listener: a taken port would crash the process
  await assertPortAvailable(port, host);
  const { url } = await startStandaloneServer(server, {
    listen: { port, host },
    context: async ({ req }) => {
      const header = req.headers[SIGNED_SCOPE_HEADER];
      // the parsed JSON body (the standalone server's body parser): the header must be made for it
      const body = (req as { body?: unknown }).body;
      const request = body && typeof body === 'object' && !Array.isArray(body) ? (body as SignedRequest) : null;
      const scope = verifyScope(Array.isArray(header) ? header[0] : header, signingSecret, request);
      if (!scope || !replays.firstUse(scope)) {
        throw new GraphQLError('This service answers the gateway only: the request carries no valid gateway signature for this request', {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
        });
      }
      const context = subgraph.createContext({ identity: scope.identity, requestId: scope.requestId });
      scopes.set(context, scope);
      return context;
    },
  });
  return { url, stop: () => server.stop() };
}
