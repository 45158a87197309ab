/** Plugin: one operation per request — a JSON array of operations (batching) is refused with BATCHING_NOT_SUPPORTED. */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { edgeError } from '../edge-checks.js';

export function useRefuseBatching(): GatewayPlugin {
  return {
    onRequestParse() {
      return {
        onRequestParseDone({ requestParserResult }) {
          if (Array.isArray(requestParserResult)) {
            throw edgeError('Batched operations are not supported: send one operation per request', 'BATCHING_NOT_SUPPORTED', 400);
          }
        },
      };
    },
  };
}
