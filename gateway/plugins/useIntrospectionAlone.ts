/** Plugin: introspection in an operation of its own (introspection-alone.ts, a workaround for the Rust planner), as a rule of the runtime's validation. */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { IntrospectionAloneRule } from '../introspection-alone.js';

export function useIntrospectionAlone(): GatewayPlugin {
  return {
    // a rule of the document alone: the runtime's validation cache (by document) keeps its verdict
    onValidate({ addValidationRule }) {
      addValidationRule(IntrospectionAloneRule);
    },
  };
}
