/** Plugin: the request id — the client's `x-request-id` when it is bounded and printable, else a new one; echoed on the response. */
import { randomUUID } from 'node:crypto';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';

/** A request id a client may set (to trace its call through our logs), bounded and printable. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

const ids = new WeakMap<Request, string>();

/** The id of a request the plugin has seen (a new one, remembered, for a request it has not). */
export function requestIdOf(request: Request): string {
  let id = ids.get(request);
  if (id === undefined) {
    const header = request.headers.get('x-request-id');
    id = header && CLIENT_REQUEST_ID.test(header) ? header : randomUUID();
    ids.set(request, id);
  }
  return id;
}

export function useRequestId(): GatewayPlugin {
  return {
    onParams({ request }) {
      requestIdOf(request);
    },
    onResponse({ request, response }) {
      const id = ids.get(request);
      if (id !== undefined) response.headers.set('x-request-id', id);
    },
  };
}
