/**
 * Plugin: each subgraph call ends within SUBGRAPH_TIMEOUT_MS (GATEWAY_TIMEOUT, shown to clients
 * as SUBGRAPH_TIMEOUT by errors.ts). In place of the runtime's `upstreamTimeout`, which per call
 * builds an `AbortSignal.timeout` and hands the executor a signal that the HTTP executor merges
 * with its own through weak references, a finalization registry and three abort listeners
 * (`abortSignalAny`): about a millisecond of CPU per Lineage request, profiled. Here: one timer
 * per call and nothing else. The late call's HTTP request itself is ended by the subgraph pool
 * at the same timeout (useSubgraphPool: undici's headers and body timeouts), not by an
 * AbortController per fetch; in one process there is no request to end.
 */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { ExecutionResult } from '@graphql-tools/utils';
import { createGraphQLError, isPromise } from '@graphql-tools/utils';

/** The timer's callback: a module function with its arguments, not a closure made per call. */
function expire(reject: (error: unknown) => void, subgraphName: string, timeoutMs: number): void {
  reject(createGraphQLError(`The subgraph ${subgraphName} did not answer within ${timeoutMs} ms`, { extensions: { code: 'GATEWAY_TIMEOUT', http: { status: 504 } } }));
}

export function useSubgraphTimeout(timeoutMs: number): GatewayPlugin {
  return {
    onSubgraphExecute({ subgraphName, executor, setExecutor }) {
      setExecutor(function subgraphTimeout(executionRequest) {
        const result = executor(executionRequest);
        if (!isPromise(result)) return result;
        return new Promise<ExecutionResult | AsyncIterable<ExecutionResult>>((resolve, reject) => {
          const timer = setTimeout(expire, timeoutMs, reject, subgraphName, timeoutMs);
          result.then(
            (value) => {
              clearTimeout(timer);
              resolve(value);
            },
            (error: unknown) => {
              clearTimeout(timer);
              reject(error);
            },
          );
        });
      });
    },
  };
}
