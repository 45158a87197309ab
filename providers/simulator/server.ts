/** The provider simulator: one HTTP server serving every provider of the world, with its clock, behaviours and order faults. */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { API_LIMITS, type RoutingState, type BehaviourPatch, type DirectoryResponse, type ProviderBehaviour, type ProviderProfile } from '../api.js';
import { Random } from '../generator/random.js';
import { summarizeWorld } from '../generator/summary.js';
import { generateWorld, type World } from '../generator/world.js';
import { pino, type Logger } from 'pino';
import { applyBehaviour, sampleLatency } from './behaviour.js';
import { ApiError, badRequest, notFound } from './errors.js';
import { SimulatorRouting } from './routing.js';
import { SimulatorState, type ProviderState } from './state.js';
import { ProviderCompliance } from './compliance.js';
import { parseBody, REFERENCE } from './validate.js';
import { readBodyText } from '../../platform/request-body.js';
import { ClockAdvanceSchema, DriftRequestSchema, OrderRequestSchema, ReleaseRequestSchema, ReserveRequestSchema, SearchRequestSchema, StatusRequestSchema, WithdrawRequestSchema } from '../api-schema.js';

export interface SimulatorOptions {
  scale?: number;
  seed?: number;
  /** Default 4010 (SIMULATOR_PORT); 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the simulator is for loopback. */
  host?: string;
  /** A world generated before (else generated from scale and seed). */
  world?: World;
  /** No added latency at any provider (until a behaviour says otherwise). */
  instant?: boolean;
  /** Quarantine after release; default 300 s. */
  agingSeconds?: number;
  /** Delay before an accepted order completes; default 100 ms. */
  orderDelayMs?: number;
  /** Time source for reservations and aging; tests move it instead of waiting. */
  clock?: () => number;
  /** Where the simulator logs (a pino logger, e.g. the process's); default: nowhere. */
  logger?: Logger;
}

export interface StartedSimulator {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:4010 */
  url: string;
  world: World;
  setBehaviour(providerId: string, patch: BehaviourPatch): ProviderBehaviour;
  behaviour(providerId: string): ProviderBehaviour;
  /** The provider stops listing these numbers (its feed reports them removed); returns how many. */
  withdraw(providerId: string, numbers: string[]): number;
  /** What the holding provider routes for a number now (null: none), as `GET numbers/<e164>/routing` answers its orderer. */
  routeOf(providerId: string, e164: string): RoutingState | null;
  /** Moves the simulator's clock forward (as PUT /admin/clock does): reservations, aging and slow orders follow it. */
  advanceClock(ms: number): void;
  /** Changes exactly that share of listed offers at once (as POST /admin/drift does): numbers flip between available and held elsewhere. */
  drift(fraction: number): { offersChanged: number; numbersChanged: number };
  close(): Promise<void>;
}

/** Starts the provider simulator: a real HTTP server serving every provider of the world. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<StartedSimulator> {
  const logger = (options.logger ?? pino({ enabled: false })).child({ component: 'provider-simulator' });
  const world = options.world ?? generateWorld({ scale: options.scale ?? 1, seed: options.seed ?? 1 });
  // The simulator's clock: the given one (or the wall clock) moved by PUT /admin/clock.
  const baseClock = options.clock ?? Date.now;
  let clockOffsetMs = 0;
  const clock = () => baseClock() + clockOffsetMs;
  const state = new SimulatorState(world, {
    clock,
    agingMs: (options.agingSeconds ?? 300) * 1000,
    orderDelayMs: options.orderDelayMs ?? 100,
    instant: options.instant ?? false,
  });
  const rng = new Random(world.seed ^ 0x5eed);
  // drift's own sequence: the same world drifts the same way, whatever calls came before
  const driftRng = new Random(world.seed ^ 0xd1f7);
  const routing = new SimulatorRouting(state);
  const compliance = new ProviderCompliance(world, clock);
  let url = '';
  const sleeps = new AbortController();

  const server = createServer((req, res) => {
    const started = performance.now();
    res.once('finish', () => logger.debug({ method: req.method, path: req.url, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'provider call'));
    handle(req, res).catch((error: unknown) => {
      if (sleeps.signal.aborted) return res.destroy(); // closing: drop calls still waiting
      const apiError = error instanceof ApiError ? error : new ApiError(500, 'internal', 'internal error');
      if (!(error instanceof ApiError)) logger.error({ err: error, path: req.url }, 'simulator request failed');
      if (!res.headersSent && !res.destroyed) send(res, apiError.status, apiError.body());
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = new URL(req.url ?? '/', 'http://simulator');
    const parts = parsed.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    state.sweep();
    if (parts.length === 1 && parts[0] === 'directory') {
      allow(method, 'GET');
      const body: DirectoryResponse = { providers: world.providers.map((p) => ({ id: p.id, name: p.name, baseUrl: `${url}/providers/${encodeURIComponent(p.id)}/` })) };
      return send(res, 200, body);
    }
    if (parts.length === 2 && parts[0] === 'admin' && parts[1] === 'clock') {
      if (method === 'PUT') {
        clockOffsetMs += parseBody(ClockAdvanceSchema, await readJson(req)).advanceMs;
        state.sweep();
      } else allow(method, 'GET');
      return send(res, 200, { now: new Date(clock()).toISOString() });
    }
    if (parts.length === 2 && parts[0] === 'admin' && parts[1] === 'drift') {
      allow(method, 'POST');
      return send(res, 200, state.drift(parseBody(DriftRequestSchema, await readJson(req)).fraction, () => driftRng.next()));
    }
    if (parts[0] === 'admin' && parts[1] === 'providers' && (parts.length === 4 || (parts.length === 5 && parts[3] === 'reviews'))) {
      const p = state.provider(parts[2]!);
      if (parts[3] === 'behaviour') {
        if (method === 'PUT') p.behaviour = applyBehaviour(p.behaviour, await readJson(req));
        else allow(method, 'GET');
        return send(res, 200, p.behaviour);
      }
      if (parts[3] === 'reviews' && parts.length === 5) {
        allow(method, 'PUT');
        return send(res, 200, compliance.review(p.provider.id, parts[4]!, await readJson(req)));
      }
      if (parts[3] === 'withdraw') {
        allow(method, 'POST');
        return send(res, 200, { withdrawn: state.withdraw(p, parseBody(WithdrawRequestSchema, await readJson(req)).numbers) });
      }
    }
    if (parts[0] !== 'providers' || parts.length < 3) throw notFound(`no route ${method} ${parsed.pathname}`);
    const p = state.provider(parts[1]!);
    await behave(p);
    const route = parts.slice(2).join('/');
    if (route === 'profile') {
      allow(method, 'GET');
      const profile: ProviderProfile = { id: p.provider.id, name: p.provider.name, carrierId: p.provider.carrierId, batchLimit: p.behaviour.batchLimit, pageCap: p.behaviour.pageCap };
      return send(res, 200, profile);
    }
    if (route === 'inventory') {
      allow(method, 'GET');
      const limitText = parsed.searchParams.get('limit');
      let limit = p.behaviour.pageCap;
      if (limitText !== null) {
        if (!/^\d{1,6}$/.test(limitText) || Number(limitText) < 1) throw badRequest('limit must be a whole number of at least 1');
        // more than the page cap is capped, as providers do (the cap may change between calls)
        limit = Math.min(Number(limitText), p.behaviour.pageCap);
      }
      return send(res, 200, state.inventory(p, parsed.searchParams.get('cursor') ?? undefined, limit));
    }
    if (route === 'documents') {
      allow(method, 'GET');
      return send(res, 200, compliance.documents(p.provider.id, parsed.searchParams.get('cursor'), p.behaviour.pageCap));
    }
    if (route === 'requirements') {
      allow(method, 'GET');
      return send(res, 200, compliance.requirements(p.provider.id, parsed.searchParams));
    }
    if (route === 'registrations/evaluate') {
      allow(method, 'POST');
      return send(res, 200, compliance.evaluate(await readJson(req)));
    }
    if (route === 'registrations') {
      if (method === 'POST') return send(res, 201, compliance.register(p.provider.id, await readJson(req)));
      allow(method, 'GET');
      const ref = parsed.searchParams.get('endUserRef') ?? '';
      if (!/^[A-Za-z0-9._:@-]{1,100}$/.test(ref)) throw badRequest('endUserRef is required: 1 to 100 letters, digits or ._:@-');
      return send(res, 200, { registrations: compliance.list(p.provider.id, ref) });
    }
    if (route === 'search') {
      allow(method, 'POST');
      return send(res, 200, state.search(p, parseBody(SearchRequestSchema, await readJson(req))));
    }
    if (route === 'numbers/status') {
      allow(method, 'POST');
      const { numbers } = parseBody(StatusRequestSchema, await readJson(req));
      // the provider's own limit, which a behaviour may change between calls
      if (numbers.length > p.behaviour.batchLimit) throw badRequest(`numbers has ${numbers.length} entries; at most ${p.behaviour.batchLimit} per call`, 'batch_too_large');
      return send(res, 200, { results: state.status(p, numbers) });
    }
    if (route === 'reservations') {
      allow(method, 'POST');
      const { numbers, ttlSeconds, reference } = parseBody(ReserveRequestSchema, await readJson(req));
      return send(res, 200, state.reserve(p, numbers, ttlSeconds, reference));
    }
    if (route === 'orders') {
      allow(method, 'POST');
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || !REFERENCE.test(key)) throw badRequest('the Idempotency-Key header is required: 1 to 64 letters, digits or ._:@-', 'idempotency_key_required');
      const { numbers, reference, endUserRef } = parseBody(OrderRequestSchema, await readJson(req));
      const gate = endUserRef === undefined ? undefined : {
        endUserRef,
        check: (country: string, numberType: string) => compliance.gate(p.provider.id, country, numberType, endUserRef),
        decided: (registration: string) => compliance.decided(p.provider.id, registration),
      };
      const { orderId, replay } = state.order(p, key, numbers, reference, gate);
      // the lost reply: the order is placed, and the connection closes before any answer (a
      // resend with the same key places nothing, and is answered)
      if (!replay && p.behaviour.lostReplyRate > 0 && rng.next() < p.behaviour.lostReplyRate) return void res.destroy();
      return send(res, 202, { orderId, status: 'accepted' });
    }
    if (parts[2] === 'orders' && parts.length === 4) {
      allow(method, 'GET');
      return send(res, 200, state.getOrder(p, parts[3]!));
    }
    const routed = await routing.handle(p, method, route, parsed.searchParams, () => readJson(req));
    if (routed) return routed.status === 204 ? void res.writeHead(204).end() : send(res, routed.status, routed.body);
    if (route === 'releases') {
      allow(method, 'POST');
      return send(res, 200, state.release(p, parseBody(ReleaseRequestSchema, await readJson(req)).numbers));
    }
    throw notFound(`no route ${method} ${parsed.pathname}`);
  }

  /** The provider's injected behaviour: down, latency, then a share of failures. */
  async function behave(p: ProviderState): Promise<void> {
    const b = p.behaviour;
    if (b.down) throw new ApiError(503, 'provider_down', `${p.provider.id} is down`);
    const delay = sampleLatency(b.latencyMs, rng);
    if (delay >= 1) await sleep(delay, undefined, { signal: sleeps.signal });
    if (b.errorRate > 0 && rng.next() < b.errorRate) throw new ApiError(503, 'injected_failure', `${p.provider.id} failed this call (simulated)`);
  }

  const port = options.port ?? 4010;
  const host = options.host ?? '127.0.0.1';
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info({ url, ...summarizeWorld(world), markets: undefined }, 'provider simulator listening');

  return {
    url,
    world,
    setBehaviour: (id, patch) => (state.provider(id).behaviour = applyBehaviour(state.provider(id).behaviour, patch)),
    behaviour: (id) => state.provider(id).behaviour,
    withdraw: (id, numbers) => state.withdraw(state.provider(id), numbers),
    routeOf: (id, e164) => routing.routeOf(state.provider(id), e164),
    advanceClock: (ms) => {
      clockOffsetMs += ms;
      state.sweep();
    },
    drift: (fraction) => state.drift(fraction, () => driftRng.next()),
    close: async () => {
      state.close();
      sleeps.abort();
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}

function allow(method: string, expected: string): void {
  if (method !== expected) throw new ApiError(405, 'method_not_allowed', `use ${expected} here, not ${method}`);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBodyText(req, API_LIMITS.maxBodyBytes);
  if (text === null) throw new ApiError(413, 'body_too_large', `request body is over ${API_LIMITS.maxBodyBytes} bytes`);
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('request body is not valid JSON', 'invalid_json');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
