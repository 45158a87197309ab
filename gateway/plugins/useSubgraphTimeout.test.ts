/** The subgraph timeout plugin ends a late call with GATEWAY_TIMEOUT and aborts its fetch, and passes timely calls through. */
import type { ExecutionRequest, ExecutionResult, Executor } from '@graphql-tools/utils';
import { parse } from 'graphql';
import { expect, it } from 'vitest';
import { useSubgraphTimeout } from './useSubgraphTimeout.js';

/** The executor the plugin installs around `executor`, and its fetch hook, called as the runtime calls them. */
function wrap(call: () => Promise<ExecutionResult>) {
  const executor = call as Executor;
  const plugin = useSubgraphTimeout(50);
  let wrapped: Executor = executor;
  const request: ExecutionRequest = { document: parse('{ __typename }'), info: {} as ExecutionRequest['info'] };
  const onSubgraphExecute = plugin.onSubgraphExecute as (payload: unknown) => void;
  onSubgraphExecute({ subgraphName: 'routing', executor, setExecutor: (next: Executor) => (wrapped = next), executionRequest: request });
  const fetchOptions = (): RequestInit => {
    let options: RequestInit = { method: 'POST' };
    (plugin.onFetch as (payload: unknown) => void)({ executionRequest: request, options, setOptions: (next: RequestInit) => (options = next) });
    return options;
  };
  return { run: () => wrapped(request), fetchOptions };
}

it('ends a subgraph call that outlives the timeout with GATEWAY_TIMEOUT, and aborts its fetch', async () => {
  let signal: AbortSignal | null | undefined;
  const { run, fetchOptions } = wrap(() => {
    signal = fetchOptions().signal; // the fetch the call makes, as the HTTP executor would
    return new Promise(() => undefined);
  });
  await expect(run()).rejects.toMatchObject({ extensions: { code: 'GATEWAY_TIMEOUT' } });
  expect(signal?.aborted).toBe(true);
});

it('passes a call that answers in time through, and leaves nothing to abort', async () => {
  let signal: AbortSignal | null | undefined;
  const { run, fetchOptions } = wrap(async () => {
    signal = fetchOptions().signal;
    return { data: { __typename: 'Query' } };
  });
  await expect(run()).resolves.toEqual({ data: { __typename: 'Query' } });
  await new Promise((resolve) => setTimeout(resolve, 80));
  expect(signal?.aborted).toBe(false);
  // after the call, a fetch of that request gets no controller of ours
  expect(fetchOptions().signal).toBeUndefined();
});
