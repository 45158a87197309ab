/** A number's routing at its simulated provider (PUT/GET/DELETE numbers/<e164>/routing), for the ordering reference only. */
import type { IncomingMessage } from 'node:http';
import { RoutingRequestSchema } from '../api-schema.js';
import type { RoutingState } from '../api.js';
import { ApiError, badRequest } from './errors.js';
import type { ProviderState, SimulatorState } from './state.js';
import { parseBody, REFERENCE } from './validate.js';

/**
 * A number's routing at its provider: `PUT|GET|DELETE numbers/<e164>/routing?reference=…`.
 * Only the reference that ordered the number reads or changes it (anyone else: 403
 * `not_yours`, the same for a number assigned to someone else, in stock or unknown). A route
 * lives as long as the assignment: once the number is released, it is gone.
 */
export class SimulatorRouting {
  private readonly routes = new Map<string, { reference: string; state: RoutingState }>();

  constructor(private readonly state: SimulatorState) {}

  /** Answers the call when `route` is a routing path (else null: not ours). */
  async handle(p: ProviderState, method: string, route: string, search: URLSearchParams, readJson: () => Promise<unknown>): Promise<{ status: number; body: unknown } | null> {
    const match = /^numbers\/(\+[1-9]\d{1,14})\/routing$/.exec(route);
    if (!match) return null;
    const e164 = match[1]!;
    const reference = search.get('reference') ?? '';
    if (!REFERENCE.test(reference)) throw badRequest('the reference query parameter is required: 1 to 64 letters, digits or ._:@-');
    if (this.state.assignedReference(p, e164) !== reference) throw new ApiError(403, 'not_yours', `${e164} is not assigned to this reference`);
    if (method === 'GET') {
      const current = this.current(p, e164, reference);
      if (!current) throw new ApiError(404, 'no_routing', `${e164} has no routing`);
      return { status: 200, body: current };
    }
    if (method === 'DELETE') {
      this.routes.delete(routeKey(p, e164));
      return { status: 204, body: null };
    }
    if (method !== 'PUT') throw new ApiError(405, 'method_not_allowed', `use GET, PUT or DELETE here, not ${method}`);
    const request = parseBody(RoutingRequestSchema, await readJson());
    const state: RoutingState = { e164, ...request, updatedAt: new Date().toISOString() };
    this.routes.set(routeKey(p, e164), { reference, state });
    return { status: 200, body: state };
  }

  /** What the provider routes for the number now, whoever asks (tests and the admin view); null when none. */
  routeOf(p: ProviderState, e164: string): RoutingState | null {
    const reference = this.state.assignedReference(p, e164);
    return reference === null ? null : this.current(p, e164, reference);
  }

  private current(p: ProviderState, e164: string, reference: string): RoutingState | null {
    const key = routeKey(p, e164);
    const held = this.routes.get(key);
    if (!held) return null;
    // set under an earlier assignment (released since): not this one's
    if (held.reference !== reference || this.state.assignedReference(p, e164) !== reference) {
      this.routes.delete(key);
      return null;
    }
    return held.state;
  }
}

const routeKey = (p: ProviderState, e164: string) => `${p.provider.id}\u0001${e164}`;
