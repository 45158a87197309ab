/** The subgraph timeout plugin ends a late call with GATEWAY_TIMEOUT, and passes timely calls and their failures through. */
import type { ExecutionRequest, ExecutionResult, Executor } from '@graphql-tools/utils';
import { parse } from 'graphql';
import { expect, it } from 'vitest';
import { useSubgraphTimeout } from './useSubgraphTimeout.js';

/** The executor the plugin installs around `call`, called as the runtime calls it. */
function wrap(call: () => Promise<ExecutionResult>) {
  const executor = call as Executor;
  const plugin = useSubgraphTimeout(50);
  let wrapped: Executor = executor;
  const request: ExecutionRequest = { document: parse('{ __typename }'), info: {} as ExecutionRequest['info'] };
  const onSubgraphExecute = plugin.onSubgraphExecute as (payload: unknown) => void;
  onSubgraphExecute({ subgraphName: 'routing', executor, setExecutor: (next: Executor) => (wrapped = next), executionRequest: request });
  return () => wrapped(request);
}

it('ends a subgraph call that outlives the timeout with GATEWAY_TIMEOUT, naming the subgraph', async () => {
  const run = wrap(() => new Promise(() => undefined));
  await expect(run()).rejects.toMatchObject({ message: 'The subgraph routing did not answer within 50 ms', extensions: { code: 'GATEWAY_TIMEOUT' } });
});

it('passes a call that answers in time through, and a failure as it came', async () => {
  await expect(wrap(async () => ({ data: { __typename: 'Query' } }))()).resolves.toEqual({ data: { __typename: 'Query' } });
  const failure = new Error('connection refused');
  await expect(wrap(async () => Promise.reject(failure))()).rejects.toBe(failure);
});
