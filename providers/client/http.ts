/** HttpProviderClient: a provider over HTTP with retry for reads, circuit breaker, bulkhead and timeout, every call recorded for health. */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
  type RetryPolicy,
  type TimeoutPolicy,
} from 'cockatiel';
import { Pool } from 'undici';
import { z } from 'zod';
import {
  ApiErrorBodySchema,
  describeIssues,
  DocumentsPageSchema,
  EvaluationResultSchema,
  InventoryPageSchema,
  OrderAcceptedSchema,
  OrderStateSchema,
  ProviderProfileSchema,
  RegistrationListSchema,
  RegistrationSchema,
  ReleaseResponseSchema,
  ReserveResponseSchema,
  RoutingStateSchema,
  SearchResponseSchema,
  StatusResponseSchema,
} from '../api-schema.js';
import type {
  DocumentsPage,
  EvaluationResult,
  Registration,
  RegistrationList,
  RegistrationRequest,
  InventoryPage,
  InventoryQuery,
  OrderAccepted,
  OrderRequest,
  OrderState,
  ProviderProfile,
  ReleaseRequest,
  ReleaseResponse,
  ReserveRequest,
  ReserveResponse,
  RoutingRequest,
  RoutingState,
  SearchRequest,
  SearchResponse,
  StatusResult,
} from '../api.js';
import type { ProviderClient } from './client.js';
import { ProviderError } from './errors.js';
import type { ApiHealthRecorder, ProviderOperation } from './health.js';

export interface ClientPolicy {
  /** Per call attempt; default 2000 ms. */
  timeoutMs: number;
  /** Retries of a read after a transient failure (never of reserve, order, release); default 2. */
  readRetries: number;
  /** Jittered exponential backoff between read retries (decorrelated jitter). */
  backoff: { initialDelayMs: number; maxDelayMs: number };
  /** Opens after this many consecutive transient failures; half-open after the cooldown. */
  breaker: { consecutiveFailures: number; halfOpenAfterMs: number };
  /** Calls in flight per provider (and keep-alive connections); more wait in a bounded queue. */
  maxConcurrent: number;
  maxQueued: number;
  /** Largest response body accepted from a provider. */
  maxResponseBytes: number;
}

export const DEFAULT_CLIENT_POLICY: ClientPolicy = {
  timeoutMs: 2000,
  readRetries: 2,
  backoff: { initialDelayMs: 50, maxDelayMs: 1000 },
  breaker: { consecutiveFailures: 5, halfOpenAfterMs: 10_000 },
  maxConcurrent: 8,
  maxQueued: 512,
  maxResponseBytes: 16 * 1024 * 1024,
};

export type ClientPolicyOverrides = Partial<Omit<ClientPolicy, 'backoff' | 'breaker'>> & {
  backoff?: Partial<ClientPolicy['backoff']>;
  breaker?: Partial<ClientPolicy['breaker']>;
};

export function resolvePolicy(overrides: ClientPolicyOverrides = {}): ClientPolicy {
  return {
    ...DEFAULT_CLIENT_POLICY,
    ...overrides,
    backoff: { ...DEFAULT_CLIENT_POLICY.backoff, ...overrides.backoff },
    breaker: { ...DEFAULT_CLIENT_POLICY.breaker, ...overrides.breaker },
  };
}

const routingPath = (e164: string, reference: string) => `numbers/${encodeURIComponent(e164)}/routing?reference=${encodeURIComponent(reference)}`;

const isTransient = handleWhen((error) => error instanceof ProviderError && error.transient);

/**
 * A provider over HTTP: one undici keep-alive pool, and cockatiel policies per provider
 * (retry for reads → circuit breaker → bulkhead → per-attempt timeout). Every attempt that
 * reaches the wire is recorded in the health recorder, and so is every call the breaker refuses.
 */
export class HttpProviderClient implements ProviderClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly retryReads: RetryPolicy;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly bulkhead: BulkheadPolicy;
  private readonly timeout: TimeoutPolicy;
  private readonly timeoutMs: number;

  constructor(
    readonly providerId: string,
    baseUrl: string,
    private readonly recorder: ApiHealthRecorder,
    overrides: ClientPolicyOverrides = {},
  ) {
    const policy = resolvePolicy(overrides);
    const url = new URL(baseUrl);
    this.basePath = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
    this.pool = new Pool(url.origin, {
      connections: policy.maxConcurrent,
      keepAliveTimeout: 10_000,
      headersTimeout: policy.timeoutMs * 2,
      bodyTimeout: policy.timeoutMs * 2,
      maxResponseSize: policy.maxResponseBytes,
    });
    this.retryReads = retry(isTransient, {
      maxAttempts: policy.readRetries,
      backoff: new ExponentialBackoff({ initialDelay: policy.backoff.initialDelayMs, maxDelay: policy.backoff.maxDelayMs }),
    });
    this.breaker = circuitBreaker(isTransient, {
      halfOpenAfter: policy.breaker.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(policy.breaker.consecutiveFailures),
    });
    this.bulkhead = bulkhead(policy.maxConcurrent, policy.maxQueued);
    this.timeout = timeout(policy.timeoutMs, TimeoutStrategy.Aggressive);
    this.timeoutMs = policy.timeoutMs;
  }

  get circuit(): 'closed' | 'open' | 'half-open' {
    const state = this.breaker.state;
    return state === CircuitState.Closed ? 'closed' : state === CircuitState.HalfOpen ? 'half-open' : 'open';
  }

  profile(): Promise<ProviderProfile> {
    return this.read(ProviderProfileSchema, 'profile', 'GET', 'profile');
  }

  inventoryPage(query: InventoryQuery = {}): Promise<InventoryPage> {
    const params = new URLSearchParams();
    if (query.cursor !== undefined) params.set('cursor', query.cursor);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    const qs = params.toString();
    return this.read(InventoryPageSchema, 'inventory', 'GET', qs ? `inventory?${qs}` : 'inventory');
  }

  documentsPage(cursor?: string): Promise<DocumentsPage> {
    return this.read(DocumentsPageSchema, 'documents', 'GET', cursor === undefined ? 'documents' : `documents?cursor=${encodeURIComponent(cursor)}`);
  }

  requirements(country: string, numberType: string): Promise<unknown> {
    return this.read(ANY_SHAPE, 'compliance', 'GET', `requirements?country=${encodeURIComponent(country)}&numberType=${encodeURIComponent(numberType)}`);
  }

  register(request: RegistrationRequest): Promise<Registration> {
    return this.write(RegistrationSchema, 'compliance', 'POST', 'registrations', request);
  }

  evaluate(request: RegistrationRequest): Promise<EvaluationResult> {
    return this.read(EvaluationResultSchema, 'compliance', 'POST', 'registrations/evaluate', request);
  }

  registrations(endUserRef: string): Promise<RegistrationList> {
    return this.read(RegistrationListSchema, 'compliance', 'GET', `registrations?endUserRef=${encodeURIComponent(endUserRef)}`);
  }

  search(request: SearchRequest): Promise<SearchResponse> {
    return this.read(SearchResponseSchema, 'search', 'POST', 'search', request);
  }

  async statusBatch(numbers: string[]): Promise<StatusResult[]> {
    if (numbers.length === 0) return [];
    const response = await this.read(StatusResponseSchema, 'status', 'POST', 'numbers/status', { numbers });
    return response.results;
  }

  getOrder(orderId: string): Promise<OrderState> {
    return this.read(OrderStateSchema, 'getOrder', 'GET', `orders/${encodeURIComponent(orderId)}`);
  }

  async waitForOrder(orderId: string, options: { intervalMs?: number; maxPolls?: number } = {}): Promise<OrderState> {
    const { intervalMs = 100, maxPolls = 50 } = options;
    let state = await this.getOrder(orderId);
    for (let poll = 1; state.status === 'accepted' && poll < maxPolls; poll++) {
      await sleep(intervalMs);
      state = await this.getOrder(orderId);
    }
    return state;
  }

  reserve(request: ReserveRequest): Promise<ReserveResponse> {
    return this.write(ReserveResponseSchema, 'reserve', 'POST', 'reservations', request);
  }

  order(request: OrderRequest, idempotencyKey: string): Promise<OrderAccepted> {
    return this.write(OrderAcceptedSchema, 'order', 'POST', 'orders', request, { 'idempotency-key': idempotencyKey });
  }

  release(request: ReleaseRequest): Promise<ReleaseResponse> {
    return this.write(ReleaseResponseSchema, 'release', 'POST', 'releases', request);
  }

  putRouting(e164: string, reference: string, routing: RoutingRequest): Promise<RoutingState> {
    return this.write(RoutingStateSchema, 'routing', 'PUT', routingPath(e164, reference), routing);
  }

  async getRouting(e164: string, reference: string): Promise<RoutingState | null> {
    try {
      return await this.read(RoutingStateSchema, 'routing', 'GET', routingPath(e164, reference));
    } catch (error) {
      if (error instanceof ProviderError && error.httpStatus === 404) return null;
      throw error;
    }
  }

  async deleteRouting(e164: string, reference: string): Promise<void> {
    try {
      await this.write(NO_BODY, 'routing', 'DELETE', routingPath(e164, reference), undefined);
    } catch (error) {
      if (error instanceof ProviderError && error.httpStatus === 404) return;
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private read<T>(schema: z.ZodType<T>, operation: ProviderOperation, method: string, path: string, body?: unknown): Promise<T> {
    return this.retryReads.execute(() => this.guarded(schema, operation, method, path, body));
  }

  private write<T>(schema: z.ZodType<T>, operation: ProviderOperation, method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
    return this.guarded(schema, operation, method, path, body, headers);
  }

  /** Breaker → bulkhead → timeout → one HTTP attempt; cockatiel's own errors become ProviderErrors. */
  private async guarded<T>(schema: z.ZodType<T>, operation: ProviderOperation, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    try {
      return await this.breaker.execute(() =>
        this.bulkhead.execute(() =>
          this.timeout.execute((_context, signal) => this.send(schema, operation, method, path, body, headers, signal)).catch((error: unknown) => {
            if (!(error instanceof TaskCancelledError)) throw error;
            // recorded here, when the timeout fires, not when the aborted request settles later
            this.recorder.record({ providerId: this.providerId, operation, outcome: 'timeout', latencyMs: this.timeoutMs });
            throw new ProviderError(this.providerId, operation, 'timeout', 'no answer within the call timeout');
          }),
        ),
      );
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        this.recorder.record({ providerId: this.providerId, operation, outcome: 'short_circuited', latencyMs: null });
        throw new ProviderError(this.providerId, operation, 'circuit_open', 'circuit open after repeated failures; not called');
      }
      if (error instanceof BulkheadRejectedError) {
        throw new ProviderError(this.providerId, operation, 'overloaded', 'too many calls queued for this provider; not called');
      }
      throw error;
    }
  }

  /**
   * One HTTP attempt. A 2xx body is parsed with the operation's schema: an answer that is not
   * JSON or not the API's shape is a `malformed` failure naming the bad field, counted like a 5xx
   * (recorded as failed, trips the breaker), so no caller ever gets a value of the wrong shape.
   */
  private async send<T>(schema: z.ZodType<T>, operation: ProviderOperation, method: string, path: string, body: unknown, headers: Record<string, string>, signal: AbortSignal): Promise<T> {
    const started = performance.now();
    const record = (outcome: 'ok' | 'rejected' | 'failed') =>
      this.recorder.record({ providerId: this.providerId, operation, outcome, latencyMs: performance.now() - started });
    let status: number;
    let text: string;
    try {
      const response = await this.pool.request({
        path: this.basePath + path,
        method: method as 'GET' | 'POST' | 'PUT' | 'DELETE',
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? null : JSON.stringify(body),
        signal,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      // aborted by the timeout policy, which has recorded the call and answered the caller
      if (signal.aborted) throw new ProviderError(this.providerId, operation, 'timeout', 'no answer within the call timeout');
      record('failed');
      throw new ProviderError(this.providerId, operation, 'network', (error as Error).message);
    }
    let payload: unknown = null;
    let notJson = false;
    try {
      payload = text ? JSON.parse(text) : null;
    } catch {
      notJson = true; // only a failure for a 2xx answer; an error status says enough without a body
    }
    if (status >= 200 && status < 300) {
      const parsed = notJson ? null : schema.safeParse(payload);
      if (!parsed?.success) {
        record('failed');
        const what = parsed ? describeIssues(parsed.error) : 'the body is not JSON';
        throw new ProviderError(this.providerId, operation, 'malformed', `answered ${status} with a malformed body: ${what}`, status);
      }
      record('ok');
      return parsed.data;
    }
    const errorBody = ApiErrorBodySchema.safeParse(payload);
    const apiError = errorBody.success ? errorBody.data.error : null;
    const message = `${status} ${apiError?.code ?? 'error'}: ${apiError?.message ?? 'no error body'}`;
    if (status >= 500) {
      record('failed');
      throw new ProviderError(this.providerId, operation, 'unavailable', message, status, apiError?.code ?? null);
    }
    record('rejected');
    throw new ProviderError(this.providerId, operation, 'rejected', message, status, apiError?.code ?? null);
  }
}

/** A provider's requirements: an object in one of the three shapes providers publish, which compliance maps leniently field by field (subgraphs/compliance/domain/shapes.ts). */
const ANY_SHAPE = z.record(z.string(), z.unknown(), { error: 'must be a JSON object' });
/** Answers without a body (204). */
const NO_BODY = z.unknown();
