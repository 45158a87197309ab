import type { RequestScope } from '../subgraphs/shared/identity.js';

/** Where the edge keeps the request's scope on the gateway's per-request context. */
export const SCOPE_KEY = 'numbergraphScope';

/** The scope the edge established for a request (see edge.ts); a request without one is a bug, not a guest. */
export function scopeOf(context: unknown): RequestScope {
  const scope = (context as Record<string, unknown> | undefined)?.[SCOPE_KEY] as RequestScope | undefined;
  if (!scope) throw new Error('no request scope on the gateway context: the edge plugin did not run');
  return scope;
}
