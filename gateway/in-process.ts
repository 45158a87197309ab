/** The in-process transport: each subgraph fetch executed on the subgraph's schema in this process, with a fresh context, no HTTP. */
import type { Transport } from '@graphql-mesh/transport-common';
import type { ExecutionRequest, ExecutionResult } from '@graphql-tools/utils';
import { execute, type GraphQLSchema } from 'graphql';
import { maskSubgraphError } from '../contracts/errors.js';
import type { RequestScope } from '../contracts/identity.js';
import type { Logger } from '../platform/logger.js';
import { scopeOf } from './scope.js';

/** What the gateway needs of a subgraph served in the same process. */
export interface InProcessSubgraph {
  schema: GraphQLSchema;
  createContext(scope: RequestScope): object;
}

/**
 * A transport that runs each subgraph fetch in this process instead of over HTTP: `execute()` on
 * the subgraph's schema with a fresh subgraph context (new DataLoaders) per fetch, carrying the
 * identity and request id the gateway established, exactly as a subgraph service builds one per
 * HTTP request after verifying the gateway's signature. No socket, no serialisation.
 */
export function inProcessTransport(subgraphs: Record<string, InProcessSubgraph>, logger: Logger): Transport {
  return {
    getSubgraphExecutor({ subgraphName }) {
      const subgraph = subgraphs[subgraphName];
      if (!subgraph) throw new Error(`the supergraph names subgraph "${subgraphName}", which this process does not serve`);
      return async (request: ExecutionRequest): Promise<ExecutionResult> => {
        const scope = scopeOf(request.context);
        const result = await execute({
          schema: subgraph.schema,
          document: request.document,
          variableValues: request.variables,
          operationName: request.operationName,
          contextValue: subgraph.createContext(scope),
          ...(request.rootValue !== undefined ? { rootValue: request.rootValue } : {}),
        });
        if (!result.errors) return result;
        const log = logger.child({ requestId: scope.requestId, subgraph: subgraphName });
        return { ...result, errors: result.errors.map((error) => maskSubgraphError(error, log)) };
      };
    },
  };
}
