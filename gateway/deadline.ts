/** The gateway plugin for one whole-request deadline (REQUEST_TIMEOUT_MS), answering REQUEST_TIMEOUT past it. */
import { GraphQLError } from 'graphql';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';

/**
 * One deadline for the whole request (REQUEST_TIMEOUT_MS), not only for each subgraph fetch: a
 * plan with several sequential fetches, each just under SUBGRAPH_TIMEOUT_MS, would otherwise hold
 * a client for that timeout times the fetches. Past the deadline the client is answered with a
 * REQUEST_TIMEOUT error (fetches still running end at their own timeout, unseen).
 */
export function useRequestDeadline(deadlineMs: number): GatewayPlugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (args) => {
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<{ errors: GraphQLError[] }>((resolve) => {
          timer = setTimeout(
            () => resolve({ errors: [new GraphQLError(`the request took longer than ${deadlineMs} ms and was stopped; try again, or ask for less`, { extensions: { code: 'REQUEST_TIMEOUT' } })] }),
            deadlineMs,
          );
        });
        try {
          return await Promise.race([executeFn(args), deadline]);
        } finally {
          clearTimeout(timer);
        }
      });
    },
  };
}
