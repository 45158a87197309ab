/** Plugin: analysts (the development default without a key included) run queries only: a mutation or subscription is FORBIDDEN. */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { refuseWrites } from '../edge-checks.js';
import { scopeOfRequest } from '../scope.js';

export function useAnalystReadOnly(): GatewayPlugin {
  return {
    // thrown, not set as the validation result: the runtime's validation cache (by document,
    // not by operation name or caller) answers after this hook and would override it
    onValidate({ params, context }) {
      const { request, params: requestParams } = context as { request: Request; params?: { operationName?: string } };
      const scope = scopeOfRequest(request);
      const refused = scope ? refuseWrites(scope.identity, params.documentAST, requestParams?.operationName) : null;
      if (refused) throw refused;
    },
  };
}
