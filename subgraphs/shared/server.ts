import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { maskErrors } from './errors.js';
import { DEVELOPMENT_ANALYST } from './identity.js';
import type { Logger } from './logger.js';
import { assertPortAvailable } from './port.js';
import type { Subgraph } from './subgraph.js';

/** A subgraph served over HTTP on its own: the distributed shape, behind the gateway. */
export async function serveSubgraph(subgraph: Subgraph, logger: Logger, port: number, host: string): Promise<{ url: string; stop(): Promise<void> }> {
  await assertPortAvailable(port, host);
  const server = new ApolloServer({
    schema: subgraph.schema,
    formatError: maskErrors(logger),
    includeStacktraceInErrorResponses: false,
    // The process owner drains on signals, then closes the database.
    stopOnTerminationSignals: false,
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port, host },
    // TODO(issue 5): verify the gateway's signed identity; until then every caller is the development analyst.
    context: async () => subgraph.createContext({ identity: DEVELOPMENT_ANALYST, requestId: 'unsigned' }),
  });
  return { url, stop: () => server.stop() };
}
