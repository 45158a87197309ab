/** A subgraph served over HTTP on its own (the distributed shape), answering only requests with the gateway's signed scope. */
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import { isClientCode, maskErrors } from '../contracts/errors.js';
import type { RequestScope } from '../contracts/identity.js';
import type { Logger } from './logger.js';
import { portUnavailable } from './port.js';
import { readBodyText } from './request-body.js';
import { replayGuard, SIGNED_SCOPE_HEADER, verifyScope } from '../contracts/signed-scope.js';

/**
 * A subgraph served over HTTP on its own: the distributed shape, behind the gateway. It serves
 * only requests carrying the gateway's signed scope (see signed-scope.ts): anything else is 401,
 * so a caller that reaches the service around the gateway gets nothing. A plain node:http server
 * hands Apollo Server each request (its integration API, `executeHTTPGraphQLRequest`) once the
 * signature is checked on the body's bytes as received, before anything parses them.
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
  // Idle connections are kept longer than a gateway keeps them (its pool: 30 s), so it is always
  // the gateway that closes one: a server closing first races the gateway's next request on that
  // connection, which then fails with ECONNRESET (Node's default is 5 s).
  const httpServer = createServer();
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  const server = new ApolloServer<object>({
    schema: subgraph.schema,
    formatError: maskErrors(null),
    includeStacktraceInErrorResponses: false,
    // Only the gateway calls a subgraph, and it has the schema from the supergraph.
    introspection: false,
    // The process owner drains on signals, then closes the database.
    stopOnTerminationSignals: false,
    // no federated traces (timings per resolver) for whoever asks: the gateway does not
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginDrainHttpServer({ httpServer }), logErrors],
  });
  await server.start();

  const refuse = (res: ServerResponse, status: number, code: string, message: string) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
  };
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      // the body as sent: the signature covers these bytes, so it is checked before any parsing
      const raw = await readBodyText(req, MAX_SUBGRAPH_BODY_BYTES);
      if (raw === null) return refuse(res, 413, 'BAD_REQUEST', `The request body is over ${MAX_SUBGRAPH_BODY_BYTES} bytes`);
      const header = req.headers[SIGNED_SCOPE_HEADER];
      const scope = verifyScope(Array.isArray(header) ? header[0] : header, signingSecret, raw);
      if (!scope || !replays.firstUse(scope)) {
        return refuse(res, 401, 'UNAUTHENTICATED', 'This service answers the gateway only: the request carries no valid gateway signature for this request');
      }
      let body: unknown;
      try {
        body = raw.length > 0 ? JSON.parse(raw) : undefined;
      } catch {
        return refuse(res, 400, 'BAD_REQUEST', 'The request body is not JSON');
      }
      const headers = new HeaderMap();
      for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      const context = subgraph.createContext({ identity: scope.identity, requestId: scope.requestId });
      scopes.set(context, scope);
      const search = req.url?.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      const answer = await server.executeHTTPGraphQLRequest({ httpGraphQLRequest: { method: req.method?.toUpperCase() ?? 'POST', headers, search, body }, context: async () => context });
      res.statusCode = answer.status ?? 200;
      for (const [name, value] of answer.headers) res.setHeader(name, value);
      if (answer.body.kind === 'complete') return void res.end(answer.body.string);
      for await (const chunk of answer.body.asyncIterator) res.write(chunk);
      res.end();
    })().catch((error: unknown) => {
      logger.error({ err: error, subgraph: subgraph.name }, 'subgraph request failed');
      if (!res.headersSent) refuse(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', (error) => reject(portUnavailable(error, port, host)));
    httpServer.listen(port, host, () => resolve());
  });
  const address = httpServer.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/`;
  return { url, stop: () => server.stop() };
}

/** The gateway's fetches carry plans' entity representations: bounded, but far above a client's MAX_BODY_BYTES. */
const MAX_SUBGRAPH_BODY_BYTES = 50 * 1024 * 1024;
