/** The gateway's per-request metrics plugin: execute time per operation, subgraph call time per subgraph, errors by phase, on prom-client directly. */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { getOperationAST, type DocumentNode, type GraphQLError } from 'graphql';
import { isPromise, type ExecutionResult } from '@graphql-tools/utils';
import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * The same series the runtime's Prometheus plugin (@graphql-mesh/plugin-prometheus over
 * @envelop/prometheus) wrote, with the same names, labels and buckets, recorded by four hooks.
 * That plugin cost about 0.25 ms of CPU per Lineage request in the distributed profile (a URL
 * parsed per request, a wrapped plugin per phase, labels built and hashed per observation); here
 * an operation's label children are found in a map, and nothing runs for the phases not recorded.
 */
type Label = (name: string | null | undefined, context?: unknown) => string;

interface Labelled<M> {
  get(key: string, make: () => M): M;
}

/** prom-client children by their label values: a series is looked up once, then observed directly. */
function children<M>(): Labelled<M> {
  const made = new Map<string, M>();
  return {
    get(key, make) {
      let child = made.get(key);
      if (child === undefined) {
        child = make();
        made.set(key, child);
      }
      return child;
    },
  };
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> => typeof (value as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] === 'function';

/** The operation name the client's request gave, if any. */
const requestedName = (context: unknown): string | undefined => (context as { params?: { operationName?: string } } | undefined)?.params?.operationName;

/** The operation's name and type as the client's document says (a persisted or APQ one included). */
function operationOf(document: DocumentNode, operationName: string | null | undefined): { name: string | undefined; type: string } {
  const operation = getOperationAST(document, operationName);
  return { name: operation?.name?.value ?? operationName ?? undefined, type: operation?.operation ?? 'query' };
}

export function useRequestMetrics(registry: Registry, label: Label, clientOperation: (context: unknown) => string): GatewayPlugin {
  const requestDuration = new Histogram({
    name: 'graphql_envelop_request_duration',
    help: 'Time spent on running the GraphQL "execute" function',
    labelNames: ['operationName', 'operationType'],
    registers: [registry],
  });
  const errorResult = new Counter({
    name: 'graphql_envelop_error_result',
    help: 'Counts the amount of errors reported from all phases',
    labelNames: ['operationName', 'operationType', 'phase'],
    registers: [registry],
  });
  const subgraphDuration = new Histogram({
    name: 'graphql_gateway_subgraph_execute_duration',
    help: 'Time spent on subgraph execution',
    labelNames: ['subgraphName', 'operationName', 'operationType'],
    registers: [registry],
  });
  const subgraphErrors = new Counter({
    name: 'graphql_gateway_subgraph_execute_errors',
    help: 'Number of errors on subgraph execution',
    labelNames: ['subgraphName', 'operationName', 'operationType'],
    registers: [registry],
  });
  const durations = children<ReturnType<Histogram['labels']>>();
  const subgraphDurations = children<ReturnType<Histogram['labels']>>();
  const countErrors = (operationName: string, operationType: string, phase: string, errors: readonly unknown[] | undefined) => {
    if (errors && errors.length > 0) errorResult.inc({ operationName, operationType, phase }, errors.length);
  };

  return {
    onParse({ context }) {
      return ({ result }) => {
        if (result instanceof Error) countErrors(label(requestedName(context), context), 'query', 'parse', [result]);
      };
    },
    onValidate({ context, params }) {
      return ({ result }) => {
        if (result.length === 0) return;
        const { name, type } = operationOf(params.documentAST, requestedName(context));
        countErrors(label(name, context), type, 'validate', result);
      };
    },
    onExecute({ args }) {
      const started = performance.now();
      const { name, type } = operationOf(args.document, args.operationName);
      const operationName = label(name, args.contextValue);
      const done = (errors: readonly GraphQLError[] | undefined) => {
        durations.get(`${operationName}\u0000${type}`, () => requestDuration.labels(operationName, type)).observe((performance.now() - started) / 1000);
        countErrors(operationName, type, 'execute', errors);
      };
      return {
        onExecuteDone({ result }) {
          if (isAsyncIterable(result)) {
            // a deferred or streamed answer: its time ends with its last part
            let errors: GraphQLError[] = [];
            return {
              onNext: ({ result: part }) => void (errors = errors.concat(part.errors ?? [])),
              onEnd: () => done(errors),
            };
          }
          done(result.errors);
          return undefined;
        },
      };
    },
    onSubgraphExecute({ subgraphName, executionRequest, executor, setExecutor }) {
      const operationName = clientOperation(executionRequest.context);
      const operationType = executionRequest.operationType ?? 'query';
      const duration = subgraphDurations.get(`${subgraphName}\u0000${operationName}\u0000${operationType}`, () => subgraphDuration.labels(subgraphName, operationName, operationType));
      const countFrom = (result: unknown) => {
        const errors = (result as ExecutionResult | null | undefined)?.errors;
        if (errors && errors.length > 0) subgraphErrors.inc({ subgraphName, operationName, operationType }, errors.length);
      };
      // around the executor, not as a done hook: with a done hook here, a request past
      // REQUEST_TIMEOUT_MS was answered only when its hung subgraph call ended
      // (test/request-deadline.e2e.test.ts), as the runtime chains the hooks onto the call
      setExecutor(function measuredSubgraphCall(request) {
        const started = performance.now();
        const observe = () => duration.observe((performance.now() - started) / 1000);
        const result = executor(request);
        if (!isPromise(result)) {
          observe();
          countFrom(result);
          return result;
        }
        return result.then(
          (value) => {
            observe();
            countFrom(value);
            return value;
          },
          (error: unknown) => {
            observe();
            subgraphErrors.inc({ subgraphName, operationName, operationType });
            throw error;
          },
        );
      });
    },
  };
}
