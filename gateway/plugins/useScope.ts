/** Plugin: the request's scope (identity, request id) on the gateway context, where every subgraph fetch reads it. */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { SCOPE_KEY, scopeOfRequest } from '../scope.js';

export function useScope(): GatewayPlugin {
  return {
    onContextBuilding({ context, extendContext }) {
      const scope = scopeOfRequest(context.request);
      if (scope) extendContext({ [SCOPE_KEY]: scope } as never);
    },
  };
}
