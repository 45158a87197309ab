/** Where the edge keeps each request's scope (identity) and whether it runs a registered persisted operation. */
import type { RequestScope } from '../contracts/identity.js';

/** Where the edge keeps the request's scope on the gateway's per-request context. */
export const SCOPE_KEY = 'numbergraphScope';

/** Before the context is built (validation runs first), the scope is found by the request. */
const byRequest = new WeakMap<Request, RequestScope>();

export function rememberScope(request: Request, scope: RequestScope): void {
  byRequest.set(request, scope);
}

export function scopeOfRequest(request: Request): RequestScope | undefined {
  return byRequest.get(request);
}

/** The scope the edge established for a request (see edge.ts); a request without one is a bug, not a guest. */
export function scopeOf(context: unknown): RequestScope {
  const fields = context as Record<string, unknown> | undefined;
  const scope = (fields?.[SCOPE_KEY] as RequestScope | undefined) ?? (fields?.request ? byRequest.get(fields.request as Request) : undefined);
  if (!scope) throw new Error('no request scope on the gateway context: the edge plugin did not run');
  return scope;
}

/** Requests that run an operation a tenant or the project registered (persisted, by id). */
const registered = new WeakSet<Request>();

export function rememberRegisteredOperation(request: Request): void {
  registered.add(request);
}

/** Whether the request behind a gateway context runs a registered persisted operation (metrics label it by name). */
export function runsRegisteredOperation(context: unknown): boolean {
  const request = (context as { request?: unknown } | undefined)?.request;
  return typeof request === 'object' && request !== null && registered.has(request as Request);
}
